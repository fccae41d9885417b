import type { Analysis } from './analyze.ts';

/** Which parts of a text become model inputs; saved with the model so a reload featurizes the same way. */
export interface FeatureOptions {
  /** Hashed stems (and bigrams) live in 2^hashBits slots. */
  hashBits: number;
  /** Stem unigrams; off leaves the lexicon features alone (the baseline of the ablation). */
  unigrams: boolean;
  bigrams: boolean;
  /** Tokens in a negation's scope hash apart from the plain ones ("not good" vs "good"). */
  negationMarking: boolean;
}

export const DEFAULT_FEATURES: FeatureOptions = { hashBits: 18, unigrams: true, bigrams: true, negationMarking: true };

/** Dense inputs after the hashed slots: lexicon mean per token, lexicon sum over sqrt(length), log length. */
export const DENSE_FEATURES = ['lexicon_mean', 'lexicon_sum_sqrt', 'log_tokens'] as const;

/** A sparse row: slot indices (sorted, unique) and their values. */
export interface SparseRow {
  indices: Int32Array;
  values: Float64Array;
}

const NEGATED_SALT = 0x5bd1e995;

/** FNV-1a, 32 bit: cheap, stable across runs and platforms, so saved weights keep their slots. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ (b + 0x9e3779b9 + (a << 6) + (a >>> 2)), 0x85ebca6b);
  h ^= h >>> 13;
  return Math.imul(h, 0xc2b2ae35) >>> 0;
}

/** Drops repeats from a sorted array, in place: features are binary (present or not). */
function unique(sorted: Int32Array): Int32Array {
  let kept = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[kept++] = sorted[i];
  return sorted.subarray(0, kept);
}

/**
 * Turns an analysis into a sparse row: binary hashed stems and bigrams scaled to unit length, then the dense
 * lexicon inputs at slots 2^hashBits + k.
 *
 * @example
 * const row = featurize(analyzeText('not good', languageKit('en')), DEFAULT_FEATURES);
 */
export function featurize(analysis: Analysis, options: FeatureOptions): SparseRow {
  const size = 2 ** options.hashBits;
  const mask = size - 1;
  const { stems, negated, clauseStart } = analysis;
  const n = stems.length;
  const all = new Int32Array(2 * n);
  let count = 0;
  let previous = 0;
  for (let i = 0; i < n; i++) {
    let hash = hashString(stems[i]);
    if (options.negationMarking && negated[i]) hash = mix(hash, NEGATED_SALT);
    if (options.unigrams) all[count++] = hash & mask;
    if (options.bigrams && !clauseStart[i]) all[count++] = mix(previous, hash) & mask;
    previous = hash;
  }
  const sparse = unique(all.subarray(0, count).sort());
  const indices = new Int32Array(sparse.length + DENSE_FEATURES.length);
  const values = new Float64Array(indices.length);
  const unit = sparse.length ? 1 / Math.sqrt(sparse.length) : 0;
  indices.set(sparse);
  values.fill(unit, 0, sparse.length);
  const dense = [n ? analysis.lexiconSum / n : 0, n ? analysis.lexiconSum / Math.sqrt(n) : 0, Math.log1p(n)];
  for (let k = 0; k < dense.length; k++) {
    indices[sparse.length + k] = size + k;
    values[sparse.length + k] = dense[k];
  }
  return { indices, values };
}
