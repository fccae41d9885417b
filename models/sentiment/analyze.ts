import { cleanText } from './clean.ts';
import type { LanguageKit } from './language.ts';

/** A text as the scorer sees it: stems, each marked when a negation cue governs it, and the lexicon sum. */
export interface Analysis {
  stems: string[];
  /** 1 when a negation cue earlier in the same clause governs the token ("not [good]"). */
  negated: Uint8Array;
  /** 1 when the token opens a clause: bigrams never span a clause break. */
  clauseStart: Uint8Array;
  /** Sum of AFINN polarities, flipped inside a negation's scope. */
  lexiconSum: number;
}

// Negation scope ends at punctuation (Pang, Lee and Vaithyanathan 2002) and at contrast words.
const CLAUSE_END = new Set('.!?;:,()"');

/**
 * Cleans, tokenizes with natural, and scores with natural's AFINN lexicon. A negation cue flips the polarity of
 * the rest of its clause, as natural's analyzer does for a whole text, and marks those tokens.
 *
 * @example
 * const a = analyzeText('Not good, but tasty', languageKit('en'));
 * a.stems; // ['not', 'good', 'tasti'];  a.negated; // [0, 1, 0];  a.lexiconSum; // -3
 */
export function analyzeText(text: string, kit: LanguageKit): Analysis {
  const raw = kit.tokenize(cleanText(text).toLowerCase());
  const stems: string[] = [];
  const negated = new Uint8Array(raw.length);
  const clauseStart = new Uint8Array(raw.length);
  let lexiconSum = 0;
  let inScope = false;
  let opensClause = true;
  for (const token of raw) {
    if (CLAUSE_END.has(token) || kit.contrastWords.has(token)) {
      inScope = false;
      opensClause = true;
      continue;
    }
    const term = kit.term(token);
    const k = stems.length;
    stems.push(term.stem);
    clauseStart[k] = opensClause ? 1 : 0;
    opensClause = false;
    if (kit.negations.has(token)) {
      inScope = true;
    } else if (inScope) {
      negated[k] = 1;
      lexiconSum -= term.polarity;
    } else lexiconSum += term.polarity;
  }
  return { stems, negated: negated.subarray(0, stems.length), clauseStart: clauseStart.subarray(0, stems.length), lexiconSum };
}
