/**
 * The UI's language: English or Simplified Chinese. The visitor's choice is kept per browser (localStorage);
 * without one, the workspace's default language (the Chinese demo sets 中文), else the browser's language.
 * Words come from one catalogue per language (en.ts, zh.ts), domain names (segments, tiers, stages, bands,
 * clusters) and churn reasons from models/ (models/i18n, models/churn/reason-words.ts), so the CLI says them alike.
 */
import { domainName, domainValue, featureName, playbookText } from '../../../models/i18n/names.ts';
import { fillMessage, isLang, langOfTag, type Lang } from '../../../data/lang.ts';
import { reasonText, storedReasons } from '../../../models/churn/reason-words.ts';
import { en, type Catalogue, type MessageKey } from './en.ts';
import { zh } from './zh.ts';

export type { Lang, MessageKey };
export { LANGS } from '../../../data/lang.ts';

const CATALOGUES: Record<Lang, Catalogue> = { en, zh };

/** Each language by its own name, so a visitor finds theirs whatever language the page is in. */
export const LANGUAGE_NAMES: Record<Lang, string> = { en: 'English', zh: '中文' };
const STORAGE_KEY = 'tierlab.lang';

/** BCP 47 locales for Intl (numbers, money, dates). */
const LOCALES: Record<Lang, string> = { en: 'en-US', zh: 'zh-CN' };

function chosen(): Lang | undefined {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return isLang(stored) ? stored : undefined;
  } catch {
    return undefined;
  }
}

export const i18n = $state({ lang: chosen() ?? langOfTag(globalThis.navigator?.language) ?? ('en' as Lang) });

/**
 * A message in the current language, `{name}` replaced by `params.name`.
 *
 * @example
 * t('atRisk.download', { total: '1,024' }); // 'Download CSV (1,024 rows)'
 */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return fillMessage(CATALOGUES[i18n.lang][key] ?? en[key], params);
}

/** The Intl locale of the current language. */
export const locale = () => LOCALES[i18n.lang];

/**
 * Applies the workspace's default language unless this browser chose one: returns the language now in use.
 *
 * @example
 * useDefaultLanguage(workspace.language); // 'zh' for the Chinese demo
 */
export function useDefaultLanguage(language: string | undefined): Lang {
  if (!chosen() && isLang(language)) i18n.lang = language;
  document.documentElement.lang = i18n.lang === 'zh' ? 'zh-CN' : 'en';
  return i18n.lang;
}

/** The visitor picks a language: kept for this browser, and the page drawn again in it (numbers and charts too). */
export function chooseLanguage(lang: Lang): void {
  localStorage.setItem(STORAGE_KEY, lang);
  location.reload();
}

/** A column's header: its name in English (as SQL shows it), its Chinese label where one is known. */
export function columnLabel(column: string): string {
  if (i18n.lang === 'en') return column;
  const key = `col.${column}`;
  if (key in en) return t(key as MessageKey);
  const name = featureName(column, i18n.lang);
  return name === column.replaceAll('_', ' ') ? column : name;
}

/** A stored value as shown: segment, tier, stage, band and cluster names in the current language. */
export const shownValue = (column: string, value: unknown): unknown => domainValue(column, value, i18n.lang);

/** Any domain name (a chart category of unknown column) in the current language. */
export const shownName = (value: string): string => domainName(value, i18n.lang);

/** The default playbook's words (action names, offers, owners, notes, channels) in the current language. */
export const shownPlaybook = (text: string): string => playbookText(text, i18n.lang);

/** Between reasons on one line. */
export const reasonSeparator = () => (i18n.lang === 'zh' ? '；' : '; ');

/** Churn reasons as stored (structs, or JSON text of older stores) in the current language, one sentence each. */
export const reasonLines = (value: unknown): string[] => storedReasons(value).map((r) => reasonText(r, i18n.lang));
