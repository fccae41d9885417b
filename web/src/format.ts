/**
 * How numbers read everywhere: tables, chart axes and tooltips, the exported report. One module, so "4.1%" in a
 * table is "4.1%" in the tooltip beside it. Money carries the workspace currency (GET /api/workspace), set once
 * at start with `setCurrency`; what a column holds is read from its name (and SQL type) by `columnKind`.
 */

/** The workspace currency: an ISO 4217 code ('' for none), shown as its symbol or its code, with decimals. */
export interface CurrencySetting {
  code: string;
  display: 'symbol' | 'code';
  decimals: number;
}

/** The Intl locale numbers, money and dates are written in (setLocale; the UI's language picks it). */
let LOCALE = 'en-US';
let count: Intl.NumberFormat;
let number: Intl.NumberFormat;
let small: Intl.NumberFormat;
let percent: Intl.NumberFormat;
/** Dates: ISO (2024-03-01) in English, as SQL writes them; the locale's own medium date otherwise (2024年3月1日). */
let date: Intl.DateTimeFormat | null = null;
/** The few words formats use, in the locale's language. */
export interface FormatWords {
  day: string;
  days: string;
  yes: string;
  no: string;
}
let words: FormatWords = { day: 'day', days: 'days', yes: 'yes', no: 'no' };

function numberFormats(): void {
  count = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
  // signDisplay 'negative': a value that rounds to zero reads 0, not -0.
  number = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2, signDisplay: 'negative' });
  small = new Intl.NumberFormat(LOCALE, { maximumSignificantDigits: 3, signDisplay: 'negative' });
  percent = new Intl.NumberFormat(LOCALE, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'negative' });
}
numberFormats();

let money = moneyFormat({ code: '', display: 'symbol', decimals: 2 });
let currencySetting: CurrencySetting = { code: '', display: 'symbol', decimals: 2 };

/**
 * Writes numbers, money and dates in a locale from now on (set at start, before the first table draws).
 *
 * @example
 * setLocale('zh-CN', { day: '天', days: '天', yes: '是', no: '否' }); formatDate('2024-03-01T00:00:00Z'); // '2024年3月1日'
 */
export function setLocale(locale: string, localWords: FormatWords = { day: 'day', days: 'days', yes: 'yes', no: 'no' }): void {
  LOCALE = locale;
  words = localWords;
  date = locale.startsWith('en') ? null : new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  numberFormats();
  money = moneyFormat(currencySetting);
}

function moneyFormat(setting: CurrencySetting): Intl.NumberFormat {
  const digits = { minimumFractionDigits: setting.decimals, maximumFractionDigits: setting.decimals, signDisplay: 'negative' as const };
  if (!setting.code) return new Intl.NumberFormat(LOCALE, digits);
  return new Intl.NumberFormat(LOCALE, { style: 'currency', currency: setting.code, currencyDisplay: setting.display, ...digits });
}

/**
 * Sets the currency money is shown in, for every table and chart drawn after.
 *
 * @example
 * setCurrency({ code: 'EUR', display: 'symbol', decimals: 2 }); formatMoney(1234.5); // '€1,234.50'
 */
export function setCurrency(setting: CurrencySetting): void {
  money = moneyFormat(setting);
  currencySetting = setting;
}

/** The currency set for the workspace. */
export const currency = (): CurrencySetting => currencySetting;

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
/** Numbers that travel as text (DECIMALs past 2^53, BIGINTs) still format as numbers. */
const numeric = (value: unknown): number | undefined => (isNumber(value) ? value : typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : undefined);

/** A count: whole, with separators (a median of counts may have decimals). `formatCount(12345)` -> '12,345'. */
export const formatCount = (value: unknown) => (isNumber(value) && Number.isInteger(value) ? count.format(value) : formatNumber(value));

/** A plain number: separators, at most 2 decimals (3 significant digits below 1). `formatNumber(7135.989)` -> '7,135.99'. */
export function formatNumber(value: unknown): string {
  if (!isNumber(value)) return formatValue(value);
  return Math.abs(value) < 1 && value !== 0 ? small.format(value) : number.format(value);
}

/** A share 0..1 as a percentage with one decimal. `formatShare(0.041)` -> '4.1%'. */
export const formatShare = (value: unknown) => (isNumber(value) ? percent.format(value) : '—');

/** An amount of money in the workspace currency. `formatMoney(55.99)` -> '$55.99' (USD), '55.99' (none set). */
export function formatMoney(value: unknown): string {
  const n = numeric(value);
  return n === undefined ? (value === null || value === undefined || value === '' ? '—' : String(value)) : money.format(n);
}

/** A number of days. `formatDays(12.4)` -> '12 days'. */
export const formatDays = (value: unknown) => (isNumber(value) ? `${count.format(value)} ${Math.round(value) === 1 ? words.day : words.days}` : formatValue(value));

/** An ISO timestamp as a date (UTC). */
export function formatDate(value: unknown): string {
  if (typeof value !== 'string') return '—';
  const day = value.slice(0, 10);
  return date && /^\d{4}-\d{2}-\d{2}$/.test(day) ? date.format(new Date(`${day}T00:00:00Z`)) : day;
}

/** Milliseconds for a person: 84 ms, 1.2 s. */
export const formatMs = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/**
 * A value of unknown meaning: integers with separators, decimals to 2 places, objects as compact JSON.
 *
 * @example
 * formatValue(1234567); // '1,234,567'
 * formatValue(0.123456); // '0.123'
 */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return Number.isInteger(value) ? count.format(value) : Number.isFinite(value) ? formatNumber(value) : String(value);
  if (typeof value === 'boolean') return value ? words.yes : words.no;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export type ColumnKind = 'money' | 'share' | 'days' | 'count' | 'number';

// Read from column names as the data sets and the feature tables spell them (see data/features.ts).
const MONEY = /(^|_)(amount|revenue|monetary|spend|spent|sales|price|clv|aov|cost|value_at_risk|order_value|lifetime_value|expected_value|value)($|_)/i;
const SHARE = /(^|_)(share|rate|ratio|pct|percent|probability|proportion|churn_probability)($|_)/i;
const DAYS = /(^|_)(days|recency|tenure)($|_)|_days$/i;
const COUNT = /(^|_)(customers|count|orders|frequency|size|n|rows)($|_)/i;

/**
 * What a column holds, from its name (and DuckDB type when known): money, a share, days, a count or a number.
 *
 * @example
 * columnKind('median_monetary'); // 'money'
 * columnKind('share_of_revenue'); // 'share'
 */
export function columnKind(name: string, type?: string): ColumnKind {
  if (SHARE.test(name)) return 'share';
  if (DAYS.test(name)) return 'days';
  if (MONEY.test(name) && !/(_tier|_class|_band|segment)$/i.test(name)) return 'money';
  if (COUNT.test(name) || (type && /INT/i.test(type))) return 'count';
  return 'number';
}

const BY_KIND: Record<ColumnKind, (value: unknown) => string> = { money: formatMoney, share: formatShare, days: formatDays, count: formatCount, number: formatNumber };

/**
 * The formatter for a column: its kind's for numbers, formatValue for everything else (text, dates, lists).
 *
 * @example
 * formatterFor('revenue')(7135.989); // '$7,135.99' with USD set
 */
export function formatterFor(name: string, type?: string): (value: unknown) => string {
  const kind = BY_KIND[columnKind(name, type)];
  return (value) => (isNumber(value) || (kind === formatMoney && numeric(value) !== undefined) ? kind(value) : formatValue(value));
}

/**
 * One formatter per column of a SQL result.
 *
 * @example
 * columnFormats([{ name: 'revenue', type: 'DECIMAL(18,2)' }]).revenue(12.5); // '$12.50'
 */
export function columnFormats(columns: { name: string; type?: string }[]): Record<string, (value: unknown) => string> {
  return Object.fromEntries(columns.map((c) => [c.name, formatterFor(c.name, c.type)]));
}
