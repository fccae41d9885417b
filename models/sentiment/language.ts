// natural's parts by folder: its main entry also loads its storage backends (database clients, dotenv), which
// Tierlab neither needs nor installs (package.json "overrides"; README, "Dependencies").
import { SentimentAnalyzer } from 'natural/lib/natural/sentiment/index.js';
import { PorterStemmer, PorterStemmerPt } from 'natural/lib/natural/stemmers/index.js';
import { RegexpTokenizer } from 'natural/lib/natural/tokenizers/index.js';
import { badInput } from '../../data/errors.ts';

/** Languages with a lexicon shipped by natural (AFINN for both). */
export const LANGUAGES = ['en', 'pt'] as const;
export type Language = (typeof LANGUAGES)[number];

/** What the scorer knows of one lower-cased token. */
export interface Term {
  /** A word, a negation cue, or a clause break (punctuation or a contrast word such as "but"). */
  role: 'word' | 'negation' | 'break';
  /** AFINN polarity (-5..5), 0 when the lexicon lacks it. */
  polarity: number;
  /** natural's Porter stem, letters stretched past two squeezed first ("sooo" -> "soo"). */
  stem: string;
  /** FNV-1a hash of the stem: a stable id, computed once per distinct token. */
  stemHash: number;
}

/** What natural gives us per language: a tokenizer, a stemmer, and the AFINN SentimentAnalyzer. */
export interface LanguageKit {
  language: Language;
  /** Words, emoji and clause-ending punctuation, in order. */
  tokenize(text: string): string[];
  /** Memoised: stemming is the slowest step per token, and review vocabularies repeat a lot. */
  term(token: string): Term;
  /** natural's AFINN analyzer (emoji added); its negation list is widened with more cues. */
  analyzer: LexiconAnalyzer;
}

/** The parts of natural's SentimentAnalyzer its typings leave out. */
interface LexiconAnalyzer {
  getSentiment(words: string[]): number;
  vocabulary: Record<string, number>;
  negations: string[];
}

const SETTINGS = {
  en: {
    name: 'English',
    stemmer: PorterStemmer,
    // The cleaner rewrites "n't" as " not", so contractions land on "not".
    extraNegations: ['nor', 'without', 'cannot', 'nothing', 'nobody', 'none', 'nowhere', 'hardly', 'barely',
      'dont', 'didnt', 'doesnt', 'isnt', 'wasnt', 'arent', 'werent', 'cant', 'couldnt', 'wont', 'wouldnt', 'shouldnt'],
    contrastWords: ['but', 'however', 'although', 'though', 'yet', 'except'],
  },
  pt: {
    name: 'Portuguese',
    stemmer: PorterStemmerPt,
    extraNegations: ['sem', 'nenhum', 'nenhuma', 'nada', 'ninguém', 'tampouco'],
    contrastWords: ['mas', 'porém', 'contudo', 'entretanto', 'embora', 'todavia'],
  },
} as const;

/** FNV-1a, 32 bit: cheap, and stable across runs and platforms, so saved weights keep their slots. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const EMOJI = /\p{Extended_Pictographic}/u;
// Matching tokens (natural's RegexpTokenizer with gaps off) yields, in one pass, words (Latin, Greek, Cyrillic),
// emoji (astral pairs and the BMP symbol blocks) and the punctuation that ends a negation's scope. Plain
// character ranges: the same pattern with Unicode property classes runs four times slower.
const TOKEN = /[a-z0-9_\u00c0-\u024f\u0370-\u04ff]+|[\ud800-\udbff][\udc00-\udfff]|[\u2600-\u27bf]|[.!?;:,()"]/gi;
// Negation scope ends at punctuation (Pang, Lee and Vaithyanathan 2002) and at contrast words.
const CLAUSE_PUNCTUATION = [...'.!?;:,()"'];
const STRETCHED_LETTERS = /(\p{L})\1{2,}/gu;
const MEMO_LIMIT = 200_000;
const kits = new Map<Language, LanguageKit>();

/**
 * Emoji scores are language-free, and natural ships them only inside its Portuguese AFINN list:
 * every language's analyzer gets them.
 */
function emojiLexicon(): Record<string, number> {
  const pt = new SentimentAnalyzer('Portuguese', undefined, 'afinn') as unknown as LexiconAnalyzer;
  return Object.fromEntries(Object.entries(pt.vocabulary).filter(([word]) => EMOJI.test(word)));
}

/** Throws a bad_input error naming the supported languages. */
export function checkLanguage(language: string): Language {
  if (!(LANGUAGES as readonly string[]).includes(language)) {
    throw badInput(`language must be one of ${LANGUAGES.join(', ')}, got "${language}"`, { field: 'language' });
  }
  return language as Language;
}

/**
 * The natural toolkit for one language, built once and shared (the analyzer copies its lexicon on construction).
 *
 * @example
 * const kit = languageKit('en');
 * kit.analyzer.getSentiment(kit.tokenize('a great product')); // 1 (AFINN "great" = 3, over 3 tokens)
 */
export function languageKit(language: Language): LanguageKit {
  let kit = kits.get(language);
  if (kit) return kit;
  const settings = SETTINGS[checkLanguage(language)];
  const tokenizer = new RegexpTokenizer({ pattern: TOKEN, gaps: false });
  // No stemmer in the analyzer: AFINN lists inflected forms, and stemming every miss costs most of its time.
  const analyzer = new SentimentAnalyzer(settings.name, undefined, 'afinn') as unknown as LexiconAnalyzer;
  Object.assign(analyzer.vocabulary, emojiLexicon());
  analyzer.negations = [...new Set([...analyzer.negations, ...settings.extraNegations])];
  const vocabulary = analyzer.vocabulary;
  const negations = new Set(analyzer.negations);
  const breaks = new Set([...CLAUSE_PUNCTUATION, ...settings.contrastWords]);
  // One lookup per token decides everything about it: the analysis loop runs once per token scored.
  const terms = new Map<string, Term>();
  kit = {
    language,
    tokenize: (text) => tokenizer.tokenize(text) ?? [],
    term(token) {
      let term = terms.get(token);
      if (term === undefined) {
        const squeezed = token.replace(STRETCHED_LETTERS, '$1$1');
        const stem = settings.stemmer.stem(squeezed);
        const role = breaks.has(token) ? 'break' : negations.has(token) ? 'negation' : 'word';
        term = { role, polarity: vocabulary[token] ?? vocabulary[squeezed] ?? 0, stem, stemHash: hashString(stem) };
        // Bounded: a long-running server sees an open-ended vocabulary.
        if (terms.size >= MEMO_LIMIT) terms.clear();
        terms.set(token, term);
      }
      return term;
    },
    analyzer,
  };
  kits.set(language, kit);
  return kit;
}
