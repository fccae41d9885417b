import type { Analysis } from './analyze.ts';
import type { Language } from './language.ts';

/** Which parts of a text become model inputs; saved with the model so a reload featurizes the same way. */
export interface FeatureOptions {
  /** Hashed stems (and bigrams) live in 2^hashBits slots. */
  hashBits: number;
  /** Stem unigrams; off leaves the lexicon features alone (the baseline of the ablation). */
  unigrams: boolean;
  bigrams: boolean;
  /** Tokens in a negation's scope hash apart from the plain ones ("not good" vs "good"). */
  negationMarking: boolean;
  /**
   * Character n-grams of these lengths [min, max] within each clause, hashed beside the words: for Chinese,
   * where a word boundary is the tokenizer's guess. Absent: none.
   */
  charNgrams?: [number, number];
  /** The dense inputs after the hashed slots, in order. Absent: DENSE_FEATURES (the English model's). */
  dense?: DenseFeature[];
}

export const DEFAULT_FEATURES: FeatureOptions = { hashBits: 18, unigrams: true, bigrams: true, negationMarking: true };

/**
 * What a language adds to the defaults. Chinese: character 1-3-grams beside jieba's words (a segmentation
 * mistake still leaves the characters), and lexicon inputs that do not depend on text length (README, "Chinese").
 */
export const LANGUAGE_FEATURES: Partial<Record<Language, Partial<FeatureOptions>>> = {
  zh: { charNgrams: [1, 3], dense: ['lexicon_positive', 'lexicon_negative', 'lexicon_balance'] },
};

/** Dense inputs computed from an analysis; each is named in a saved model. */
const DENSE = {
  /** lexicon sum per token */
  lexicon_mean: (a, n) => (n ? a.lexiconSum / n : 0),
  /** lexicon sum over sqrt(tokens) */
  lexicon_sum_sqrt: (a, n) => (n ? a.lexiconSum / Math.sqrt(n) : 0),
  log_tokens: (_a, n) => Math.log1p(n),
  /** log1p of the positive and of the negative part of the lexicon sum: free of text length in how they grow */
  lexicon_positive: (a) => Math.log1p(a.lexiconPositive),
  lexicon_negative: (a) => Math.log1p(a.lexiconNegative),
  /** share of the lexicon's weight that is positive, 0.5 with none: the balance of praise and blame */
  lexicon_balance: (a) => (a.lexiconPositive + 1) / (a.lexiconPositive + a.lexiconNegative + 2),
} satisfies Record<string, (a: Analysis, n: number) => number>;
export type DenseFeature = keyof typeof DENSE;

/** Dense inputs of the English model: lexicon mean per token, lexicon sum over sqrt(length), log length. */
export const DENSE_FEATURES: DenseFeature[] = ['lexicon_mean', 'lexicon_sum_sqrt', 'log_tokens'];

/** True for the name of a dense input (a saved model names its own). */
export function isDenseFeature(name: unknown): name is DenseFeature {
  return typeof name === 'string' && Object.hasOwn(DENSE, name);
}

/** The dense inputs of a feature configuration, in slot order. */
export function denseFeatures(options: FeatureOptions): DenseFeature[] {
  return options.dense ?? DENSE_FEATURES;
}

/** Slots of a feature configuration: the hashed ones, then the dense ones. */
export function dimensionOf(options: FeatureOptions): number {
  return 2 ** options.hashBits + denseFeatures(options).length;
}

/** A sparse row: slot indices (sorted, unique) and their values. */
export interface SparseRow {
  indices: Int32Array;
  values: Float64Array;
}

const NEGATED_SALT = 0x5bd1e995;
const CHAR_SALT = 0x27d4eb2f;

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ (b + 0x9e3779b9 + (a << 6) + (a >>> 2)), 0x85ebca6b);
  h ^= h >>> 13;
  return Math.imul(h, 0xc2b2ae35) >>> 0;
}

// Per hash size, the stamp of the last row that used each slot: de-duplicates a row's slots without sorting.
const stamps = new Map<number, { seen: Uint32Array; row: number }>();

/**
 * Turns an analysis into a sparse row: binary hashed stems, bigrams and character n-grams scaled to unit length,
 * then the dense lexicon inputs at slots 2^hashBits + k. Slots come in first-seen order, each once.
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
  const sparse = new Int32Array(2 * n + charNgramCount(analysis, options));
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
  if (options.charNgrams) {
    const [min, max] = options.charNgrams;
    // the last max - 1 characters of the clause, newest first: n-grams never span a clause break
    const window = new Int32Array(max);
    let filled = 0;
    for (let i = 0; i < n; i++) {
      if (clauseStart[i]) filled = 0;
      const stem = terms[i].stem;
      for (let k = 0; k < stem.length; k++) {
        for (let j = max - 1; j > 0; j--) window[j] = window[j - 1];
        window[0] = stem.charCodeAt(k);
        if (filled < max) filled++;
        // FNV-1a over the n-gram's characters, salted by its length so "好" never meets "好好"
        let hash = 0x811c9dc5;
        for (let length = 1; length <= filled; length++) {
          hash = Math.imul(hash ^ window[length - 1], 0x01000193);
          if (length < min) continue;
          const slot = mix(hash >>> 0, CHAR_SALT + length) & mask;
          if (seen[slot] !== row) (seen[slot] = row), (sparse[count++] = slot);
        }
      }
    }
  }
  const dense = denseFeatures(options);
  const indices = new Int32Array(count + dense.length);
  const values = new Float64Array(indices.length);
  indices.set(sparse.subarray(0, count));
  values.fill(count ? 1 / Math.sqrt(count) : 0, 0, count);
  for (let k = 0; k < dense.length; k++) {
    indices[count + k] = size + k;
    values[count + k] = DENSE[dense[k]](analysis, n);
  }
  return { indices, values };
}

/** An upper bound on the character n-grams of a row: (max - min + 1) per character. */
function charNgramCount(analysis: Analysis, options: FeatureOptions): number {
  if (!options.charNgrams) return 0;
  let chars = 0;
  for (const term of analysis.terms) chars += term.stem.length;
  return chars * (options.charNgrams[1] - options.charNgrams[0] + 1);
}
