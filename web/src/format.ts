/** How numbers, shares, money and dates read in tables and figures. */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * A value for a table cell: integers with separators, decimals to 3 places, objects as compact JSON.
 *
 * @example
 * formatValue(1234567); // '1,234,567'
 * formatValue(0.123456); // '0.123'
 */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return Number.isInteger(value) ? integer.format(value) : Number.isFinite(value) ? decimal.format(value) : String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A share 0..1 as a percentage. */
export const formatShare = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : '—');

/** An amount of money (the data sets carry no currency, so none is shown). */
export const formatMoney = (value: unknown) => (value === null || value === undefined || value === '' ? '—' : money.format(Number(value)));

/** An ISO timestamp as a date. */
export const formatDate = (value: unknown) => (typeof value === 'string' ? value.slice(0, 10) : '—');

/** Milliseconds for a person: 84 ms, 1.2 s. */
export const formatMs = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
