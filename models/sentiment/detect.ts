import type { LanguageSetting, TextLanguage } from '../../data/text-language.ts';

/** Han ideographs (CJK unified, extension A, compatibility; astral extensions through their high surrogates). */
const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[\ud840-\ud87e][\udc00-\udfff]/g;
const KANA = /[\u3040-\u30ff]/g;
/** A run of letters of any other script: a word of English or Portuguese. */
const OTHER_WORD = /[^\P{L}\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/gu;

export interface DetectOptions {
  /** The language of a text that is not Chinese: scripts cannot tell English from Portuguese. */
  fallback: TextLanguage;
  /**
   * Han characters' share of Han characters plus other-script words needed for Chinese. A Han character
   * weighs like a word (most Chinese words are one or two), so at 0.5 "iPhone很好" is Chinese and
   * "I love 北京 food" is not.
   */
  minHanShare: number;
}

export const DETECT_DEFAULTS: DetectOptions = { fallback: 'en', minHanShare: 0.5 };

/**
 * A text's language by its script: Chinese when Han characters reach `minHanShare` and outnumber kana (Japanese
 * writes Han too; it has no scorer and goes to the fallback); otherwise the fallback.
 *
 * @example
 * detectLanguage('送餐很快，味道不错'); // 'zh'
 * detectLanguage('Great taste, will buy again'); // 'en'
 */
export function detectLanguage(text: string, options: Partial<DetectOptions> = {}): TextLanguage {
  const { fallback, minHanShare } = { ...DETECT_DEFAULTS, ...options };
  const han = text.match(HAN)?.length ?? 0;
  if (han === 0) return fallback;
  const kana = text.match(KANA)?.length ?? 0;
  const words = text.match(OTHER_WORD)?.length ?? 0;
  return han >= minHanShare * (han + words) && kana < han ? 'zh' : fallback;
}

/**
 * The language a text is scored in under a data set's setting: the setting itself, or for `auto` the detected one.
 *
 * @example
 * resolveLanguage('很好', 'auto'); // 'zh'
 */
export function resolveLanguage(text: string, setting: LanguageSetting, options: Partial<DetectOptions> = {}): TextLanguage {
  return setting === 'auto' ? detectLanguage(text, options) : setting;
}
