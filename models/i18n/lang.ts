/**
 * The languages Tierlab speaks to people: English and Simplified Chinese. Pure and browser-safe: the web UI, the
 * CLI and the models share it (web/src/i18n holds the UI's own words; this folder the domain's).
 */
export const LANGS = ['en', 'zh'] as const;
export type Lang = (typeof LANGS)[number];

/** The language when none is asked for: the data's own names are English. */
export const DEFAULT_LANG: Lang = 'en';

export const isLang = (value: unknown): value is Lang => typeof value === 'string' && (LANGS as readonly string[]).includes(value);

/**
 * A language from a tag as browsers and shells spell it ('zh-CN', 'zh_CN.UTF-8', 'en-GB'), or undefined.
 *
 * @example
 * langOfTag('zh-Hans-CN'); // 'zh'
 * langOfTag('fr'); // undefined
 */
export function langOfTag(tag: string | null | undefined): Lang | undefined {
  const base = (tag ?? '').trim().toLowerCase().split(/[-_.]/)[0];
  return isLang(base) ? base : undefined;
}
