import { cleanText } from './clean.ts';
import type { LanguageKit, Term } from './language.ts';

/** A text as the scorer sees it: its terms, each marked when a negation cue governs it, and the lexicon sum. */
export interface Analysis {
  /** Words, emoji and negation cues in order; clause breaks are dropped. */
  terms: Term[];
  /** 1 when a negation cue earlier in the same clause governs the term ("not [good]"). */
  negated: Uint8Array;
  /** 1 when the term opens a clause: bigrams never span a clause break. */
  clauseStart: Uint8Array;
  /** Sum of lexicon polarities, flipped inside a negation's scope and scaled by degree words. */
  lexiconSum: number;
  /** The positive and the negative part of that sum (the latter as a positive number). */
  lexiconPositive: number;
  lexiconNegative: number;
}

/**
 * Cleans, tokenizes and scores with the language's lexicon (natural's AFINN for English). A negation cue flips
 * the polarity of the rest of its clause, as natural's analyzer does for a whole text, and marks those terms; a
 * degree word (Chinese 很, 有点) scales the next polar word of its clause.
 *
 * @example
 * const a = analyzeText('Not good, but tasty', languageKit('en'));
 * a.terms.map((t) => t.stem); // ['not', 'good', 'tasti'];  a.negated; // [0, 1, 0];  a.lexiconSum; // -3
 */
export function analyzeText(text: string, kit: LanguageKit): Analysis {
  const tokens = kit.tokenize(cleanText(text).toLowerCase());
  const terms: Term[] = [];
  const negated = new Uint8Array(tokens.length);
  const clauseStart = new Uint8Array(tokens.length);
  let lexiconPositive = 0;
  let lexiconNegative = 0;
  let inScope = false;
  let opensClause = true;
  let scale = 1;
  for (const token of tokens) {
    const term = kit.term(token);
    if (term.role === 'break') {
      inScope = false;
      opensClause = true;
      scale = 1;
      continue;
    }
    const k = terms.push(term) - 1;
    if (opensClause) clauseStart[k] = 1;
    opensClause = false;
    if (term.role === 'negation') inScope = true;
    else {
      if (inScope) negated[k] = 1;
      if (term.role === 'degree') scale = term.scale ?? 1;
      else if (term.polarity) {
        const polarity = (inScope ? -term.polarity : term.polarity) * scale;
        if (polarity > 0) lexiconPositive += polarity;
        else lexiconNegative -= polarity;
        scale = 1;
      }
    }
  }
  const n = terms.length;
  return {
    terms,
    negated: negated.subarray(0, n),
    clauseStart: clauseStart.subarray(0, n),
    lexiconSum: lexiconPositive - lexiconNegative,
    lexiconPositive,
    lexiconNegative,
  };
}
