import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Jieba } from '@node-rs/jieba';
import { TierlabError } from '../../data/errors.ts';
import type { Tokenizer } from './kit.ts';

/** Dictionary frequency given to the extra words: enough to keep a lexicon phrase (还会再来) in one piece. */
const EXTRA_WORD_FREQUENCY = 100;

export interface JiebaOptions {
  /** Words added to jieba's dictionary, so a lexicon entry comes out as one token. */
  words: Iterable<string>;
}

/**
 * Chinese word segmentation by jieba-rs through `@node-rs/jieba` (a prebuilt binding per platform, installed
 * from the registry: nothing compiles or downloads at install). Required on first use, not at import: loading
 * its 5 MB dictionary takes ~0.4 s, which a process that never sees Chinese text should not pay.
 * Tokens come out in order, punctuation and spaces included; the HMM finds words missing from the dictionary.
 *
 * @example
 * jiebaTokenizer({ words: ['性价比高'] }).tokenize('性价比高，推荐'); // ['性价比高', '，', '推荐']
 */
export function jiebaTokenizer(options: JiebaOptions): Tokenizer {
  const require = createRequire(import.meta.url);
  let jieba: Jieba;
  try {
    const { Jieba: JiebaClass } = require('@node-rs/jieba') as typeof import('@node-rs/jieba');
    jieba = JiebaClass.withDict(readFileSync(require.resolve('@node-rs/jieba/dict.txt')));
  } catch (error) {
    throw new TierlabError('failed', `Chinese tokenizer unavailable: @node-rs/jieba has no binding for ${process.platform}-${process.arch} here (${(error as Error).message})`);
  }
  const extra = [...options.words].map((word) => `${word} ${EXTRA_WORD_FREQUENCY}`).join('\n');
  if (extra) jieba.loadDict(Buffer.from(extra));
  return { tokenize: (text) => jieba.cut(text, true) };
}
