/**
 * The languages Tierlab speaks to people (the UI, the CLI's tables, the demo's words): English and Simplified
 * Chinese. Not the languages of feedback texts (text-language.ts). Pure and browser-safe: every layer shares it;
 * the domain's names live in models/i18n, the UI's words in web/src/i18n.
 */
export const LANGS = ['en', 'zh'] as const;
export type Lang = (typeof LANGS)[number];

/** The language when none is asked for: the data's own names are English. */
export const DEFAULT_LANG: Lang = 'en';

export const isLang = (value: unknown): value is Lang => typeof value === 'string' && (LANGS as readonly string[]).includes(value);

/**
 * A message with its `{name}` places filled from `params` (a place without a value stays as it is).
 *
 * @example
 * fillMessage('{n} customers', { n: 12 }); // '12 customers'
 */
export function fillMessage(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

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
