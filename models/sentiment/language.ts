// natural's parts by folder: its main entry also loads its storage backends (database clients, dotenv), which
// Tierlab neither needs nor installs (package.json "overrides"; README, "Dependencies").
import { SentimentAnalyzer } from 'natural/lib/natural/sentiment/index.js';
import { PorterStemmer, PorterStemmerPt } from 'natural/lib/natural/stemmers/index.js';
import { RegexpTokenizer } from 'natural/lib/natural/tokenizers/index.js';
import { badInput } from '../../data/errors.ts';
import { TEXT_LANGUAGES, type TextLanguage } from '../../data/text-language.ts';
import { chineseKit } from './chinese.ts';
import { hashString, memoTerms, type LanguageKit } from './kit.ts';

export type { LanguageKit, Term, Tokenizer } from './kit.ts';

/**
 * Languages with a scorer: English and Portuguese through natural (tokenizer, Porter stemmer, AFINN), Chinese
 * through jieba and Tierlab's own lexicon (chinese.ts).
 */
export const LANGUAGES = TEXT_LANGUAGES;
export type Language = TextLanguage;

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

const EMOJI = /\p{Extended_Pictographic}/u;
// Matching tokens (natural's RegexpTokenizer with gaps off) yields, in one pass, words (Latin, Greek, Cyrillic),
// emoji (astral pairs and the BMP symbol blocks) and the punctuation that ends a negation's scope. Plain
// character ranges: the same pattern with Unicode property classes runs four times slower.
const TOKEN = /[a-z0-9_\u00c0-\u024f\u0370-\u04ff]+|[\ud800-\udbff][\udc00-\udfff]|[\u2600-\u27bf]|[.!?;:,()"]/gi;
// Negation scope ends at punctuation (Pang, Lee and Vaithyanathan 2002) and at contrast words.
const CLAUSE_PUNCTUATION = [...'.!?;:,()"'];
const STRETCHED_LETTERS = /(\p{L})\1{2,}/gu;
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
 * The toolkit of one language, built once and shared.
 *
 * @example
 * const kit = languageKit('en');
 * kit.tokenize('a great product').map((token) => kit.term(token).polarity); // [0, 3, 0] (AFINN "great" = 3)
 */
export function languageKit(language: Language): LanguageKit {
  let kit = kits.get(language);
  if (kit) return kit;
  kit = checkLanguage(language) === 'zh' ? chineseKit({ emoji: emojiLexicon() }) : naturalKit(language as 'en' | 'pt');
  kits.set(language, kit);
  return kit;
}

/** natural's tokenizer, stemmer and AFINN analyzer (the analyzer copies its lexicon on construction). */
function naturalKit(language: 'en' | 'pt'): LanguageKit {
  const settings = SETTINGS[language];
  const tokenizer = new RegexpTokenizer({ pattern: TOKEN, gaps: false });
  // No stemmer in the analyzer: AFINN lists inflected forms, and stemming every miss costs most of its time.
  const analyzer = new SentimentAnalyzer(settings.name, undefined, 'afinn') as unknown as LexiconAnalyzer;
  Object.assign(analyzer.vocabulary, emojiLexicon());
  analyzer.negations = [...new Set([...analyzer.negations, ...settings.extraNegations])];
  const vocabulary = analyzer.vocabulary;
  const negations = new Set(analyzer.negations);
  const breaks = new Set([...CLAUSE_PUNCTUATION, ...settings.contrastWords]);
  return {
    language,
    tokenize: (text) => tokenizer.tokenize(text) ?? [],
    // Memoised: stemming is the slowest step per token, and review vocabularies repeat a lot.
    term: memoTerms((token) => {
      // letters stretched past two are squeezed first ("sooo" -> "soo")
      const squeezed = token.replace(STRETCHED_LETTERS, '$1$1');
      const stem = settings.stemmer.stem(squeezed);
      const role = breaks.has(token) ? 'break' : negations.has(token) ? 'negation' : 'word';
      return { role, polarity: vocabulary[token] ?? vocabulary[squeezed] ?? 0, stem, stemHash: hashString(stem) };
    }),
  };
}
