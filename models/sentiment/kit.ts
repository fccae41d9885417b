/**
 * What the scorer needs of a language, whatever does the work underneath (natural for English and Portuguese,
 * jieba and Tierlab's lexicon for Chinese): a tokenizer, and what each token means.
 */

/** Splits cleaned, lower-cased text into tokens: words, emoji and clause-ending punctuation, in order. */
export interface Tokenizer {
  tokenize(text: string): string[];
}

/** What the scorer knows of one lower-cased token. */
export interface Term {
  /**
   * A word, a negation cue, a clause break (punctuation or a contrast word such as "but"), or a degree word
   * ("very", 很) that scales the polarity of the next polar word in its clause.
   */
  role: 'word' | 'negation' | 'break' | 'degree';
  /** Lexicon polarity (-5..5), 0 when the lexicon lacks it. */
  polarity: number;
  /** The unit the model hashes: natural's stem for English and Portuguese, the word itself for Chinese. */
  stem: string;
  /** FNV-1a hash of the stem: a stable id, computed once per distinct token. */
  stemHash: number;
  /** Degree words only: the factor for the next polar word (很 1.5, 有点 0.5). */
  scale?: number;
}

/** A language's tokenizer and term lookup. */
export interface LanguageKit extends Tokenizer {
  language: string;
  /** Memoised: one lookup per token decides everything about it. */
  term(token: string): Term;
}

/** FNV-1a, 32 bit: cheap, and stable across runs and platforms, so saved weights keep their slots. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const MEMO_LIMIT = 200_000;

/**
 * Memoises `resolve` per token, bounded: a long-running server sees an open-ended vocabulary.
 *
 * @example
 * const term = memoTerms((token) => ({ role: 'word', polarity: 0, stem: token, stemHash: hashString(token) }));
 */
export function memoTerms(resolve: (token: string) => Term): (token: string) => Term {
  const terms = new Map<string, Term>();
  return (token) => {
    let term = terms.get(token);
    if (term === undefined) {
      term = resolve(token);
      if (terms.size >= MEMO_LIMIT) terms.clear();
      terms.set(token, term);
    }
    return term;
  };
}
