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

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ (b + 0x9e3779b9 + (a << 6) + (a >>> 2)), 0x85ebca6b);
  h ^= h >>> 13;
  return Math.imul(h, 0xc2b2ae35) >>> 0;
}

// Per hash size, the stamp of the last row that used each slot: de-duplicates a row's slots without sorting.
const stamps = new Map<number, { seen: Uint32Array; row: number }>();

/**
 * Turns an analysis into a sparse row: binary hashed stems and bigrams scaled to unit length, then the dense
 * lexicon inputs at slots 2^hashBits + k. Slots come in first-seen order, each once.
 *
 * @example
 * const row = featurize(analyzeText('not good', languageKit('en')), DEFAULT_FEATURES);
 */
export function featurize(analysis: Analysis, options: FeatureOptions): SparseRow {
  const size = 2 ** options.hashBits;
  const mask = size - 1;
  const { terms, negated, clauseStart } = analysis;
  const n = terms.length;
  let stamp = stamps.get(size);
  if (!stamp) stamps.set(size, (stamp = { seen: new Uint32Array(size), row: 0 }));
  if (stamp.row === 0xffffffff) {
    stamp.seen.fill(0);
    stamp.row = 0;
  }
  const row = ++stamp.row;
  const { seen } = stamp;
  const sparse = new Int32Array(2 * n);
  let count = 0;
  let previous = 0;
  for (let i = 0; i < n; i++) {
    let hash = terms[i].stemHash;
    if (options.negationMarking && negated[i]) hash = mix(hash, NEGATED_SALT);
    if (options.unigrams) {
      const slot = hash & mask;
      if (seen[slot] !== row) (seen[slot] = row), (sparse[count++] = slot);
    }
    if (options.bigrams && !clauseStart[i]) {
      const slot = mix(previous, hash) & mask;
      if (seen[slot] !== row) (seen[slot] = row), (sparse[count++] = slot);
    }
    previous = hash;
  }
  const indices = new Int32Array(count + DENSE_FEATURES.length);
  const values = new Float64Array(indices.length);
  indices.set(sparse.subarray(0, count));
  values.fill(count ? 1 / Math.sqrt(count) : 0, 0, count);
  const dense = [n ? analysis.lexiconSum / n : 0, n ? analysis.lexiconSum / Math.sqrt(n) : 0, Math.log1p(n)];
  for (let k = 0; k < dense.length; k++) {
    indices[count + k] = size + k;
    values[count + k] = dense[k];
  }
  return { indices, values };
}
