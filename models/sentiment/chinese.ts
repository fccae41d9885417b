/**
 * Chinese: jieba's words, Tierlab's lexicon (lexicon/zh.tsv), negation cues and degree words. Chinese writes
 * negation and degree into words as often as beside them (不满意, 很差, 太慢), so a word missing from the lexicon
 * is read as a cue or degree word plus a remainder that is in it: 不方便 = -方便, 很干净 = 1.5 x 干净.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jiebaTokenizer } from './jieba.ts';
import { hashString, memoTerms, type LanguageKit, type Term } from './kit.ts';

/** Cues that flip the polarity of the rest of their clause (不 推荐, 没有 想象 中 的 好). */
export const NEGATIONS = [
  '不', '没', '没有', '别', '无', '非', '未', '勿', '莫', '甭', '不是', '并不', '并非', '并没', '并没有', '从不', '从没',
  '从未', '毫不', '绝不', '决不', '绝非', '不会', '不能', '不可', '不用', '不要', '不必', '不再', '不太', '不怎么', '不大',
  '不够', '不算', '没什么', '没那么', '无法', '没法', '谈不上', '算不上', '称不上',
];

/** Degree words and the factor they put on the next polar word of their clause. */
export const DEGREES: Record<string, number> = {
  极: 2, 极其: 2, 极度: 2, 极为: 2, 最: 2, 超级: 2, 无比: 2, 太: 2, 太过: 2, 特: 1.5, 非常: 1.5, 十分: 1.5,
  特别: 1.5, 很: 1.5, 挺: 1.5, 蛮: 1.5, 真: 1.5, 真的: 1.5, 相当: 1.5, 超: 1.5, 格外: 1.5, 尤其: 1.5, 实在: 1.5,
  好不: 1.5, 比较: 1.2, 较: 1.2, 还算: 1.2, 更: 1.2, 更加: 1.2, 越来越: 1.2, 有点: 0.5, 有点儿: 0.5, 有些: 0.5,
  稍: 0.5, 稍微: 0.5, 略: 0.5, 略微: 0.5, 一点: 0.5, 有一点: 0.5,
};

/** Contrast words end a negation's scope, as punctuation does (房间不大，但是很干净). */
const CONTRASTS = ['但是', '但', '可是', '不过', '然而', '却', '只是', '就是', '而', '虽然', '虽', '尽管', '除了'];
/** Clause punctuation after NFKC (full-width ，！？；： become ASCII; 。、 and the brackets stay). */
const BREAK = /^[\s.!?;:,()"'。、…【】「」『』《》〈〉~～\-—]+$/u;
/** Particles after a word that do not change it (好了, 贵啊). */
const PARTICLES = /[了的啊呀吧啦哦呢嘛哈]+$/u;
const NEGATION_PREFIXES = [...NEGATIONS].sort((a, b) => b.length - a.length);
const DEGREE_PREFIXES = Object.keys(DEGREES).sort((a, b) => b.length - a.length);

/** word -> polarity from lexicon/zh.tsv (tab separated; # starts a comment line). */
export function readChineseLexicon(file = join(import.meta.dirname, 'lexicon', 'zh.tsv')): Map<string, number> {
  const lexicon = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [word, polarity] = line.split('\t');
    lexicon.set(word, Number(polarity));
  }
  return lexicon;
}

export interface ChineseKitOptions {
  /** Emoji polarities (language-free: natural's AFINN emoji list). */
  emoji: Record<string, number>;
}

/**
 * The Chinese kit: jieba tokens (lexicon words, cues and degree words added to its dictionary) and their terms.
 *
 * @example
 * const kit = chineseKit({ emoji: {} });
 * kit.tokenize('不太满意').map((token) => kit.term(token).role); // ['negation', 'word']
 */
export function chineseKit(options: ChineseKitOptions): LanguageKit {
  const lexicon = readChineseLexicon();
  for (const [symbol, polarity] of Object.entries(options.emoji)) lexicon.set(symbol, polarity);
  const negations = new Set(NEGATIONS);
  const contrasts = new Set(CONTRASTS);
  const tokenizer = jiebaTokenizer({ words: [...lexicon.keys(), ...NEGATIONS, ...Object.keys(DEGREES)] });

  /** Lexicon polarity of a word, or of a cue / degree word / particle plus a known remainder; 0 when unknown. */
  function polarity(word: string, depth = 0): number {
    const known = lexicon.get(word);
    if (known !== undefined) return known;
    if (depth > 2 || word.length < 2) return 0;
    for (const cue of NEGATION_PREFIXES) {
      if (word.length > cue.length && word.startsWith(cue)) {
        const rest = polarity(word.slice(cue.length), depth + 1);
        if (rest) return -rest;
      }
    }
    for (const degree of DEGREE_PREFIXES) {
      if (word.length > degree.length && word.startsWith(degree)) {
        const rest = polarity(word.slice(degree.length), depth + 1);
        if (rest) return rest * DEGREES[degree];
      }
    }
    const bare = word.replace(PARTICLES, '');
    return bare && bare !== word ? polarity(bare, depth + 1) : 0;
  }

  return {
    language: 'zh',
    // NFKC folds full-width letters, digits and punctuation to ASCII (ＯＫ！ -> OK!), so they split and match alike.
    tokenize: (text) => tokenizer.tokenize(text.normalize('NFKC')),
    term: memoTerms((token): Term => {
      const base = { stem: token, stemHash: hashString(token) };
      if (BREAK.test(token) || contrasts.has(token)) return { role: 'break', polarity: 0, ...base };
      if (negations.has(token)) return { role: 'negation', polarity: 0, ...base };
      if (Object.hasOwn(DEGREES, token)) return { role: 'degree', polarity: 0, scale: DEGREES[token], ...base };
      return { role: 'word', polarity: polarity(token), ...base };
    }),
  };
}
