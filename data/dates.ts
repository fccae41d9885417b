import { badInput } from './errors.ts';
import type { Store } from './store.ts';

/**
 * Dates in Tierlab are UTC calendar dates written 'YYYY-MM-DD'. A cutoff ("as of") is exclusive: events with a
 * timestamp before its midnight UTC count. A date is checked once where it enters (a CLI flag, an API field,
 * an options object of a use case); everything below takes the checked string and does arithmetic on day
 * indexes (whole days since 1970-01-01 UTC).
 */

export const DAY_MS = 86_400_000;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Checks a calendar date and returns it; a value that is not one (wrong shape, or a day the month does not
 * have, such as 2023-02-29) is a bad_input error naming `field`.
 *
 * @example
 * parseDate('2024-02-29', 'asOf'); // '2024-02-29'
 * parseDate('2024-02-30', 'asOf'); // throws: asOf must be a date YYYY-MM-DD, got "2024-02-30"
 */
export function parseDate(value: unknown, field: string): string {
  const match = typeof value === 'string' ? DATE_PATTERN.exec(value) : null;
  // Date.parse rolls impossible days over (2024-02-30 is read as 2024-03-01), so the parts are compared back.
  if (match && dateOfDay(Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!) / DAY_MS) === value) return value as string;
  throw badInput(`${field} must be a date YYYY-MM-DD, got "${String(value)}"`, { field });
}

/**
 * Whole days since 1970-01-01 UTC of a date checked by `parseDate`.
 *
 * @example
 * dayOfDate('1970-01-02'); // 1
 */
export function dayOfDate(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

/** 'YYYY-MM-DD' of a day index. */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * A date moved by whole days.
 *
 * @example
 * shiftDate('2024-03-01', -1); // '2024-02-29'
 */
export function shiftDate(date: string, days: number): string {
  return dateOfDay(dayOfDate(date) + days);
}

/**
 * The default cutoff, decided here only: the UTC day after the last transaction, so every transaction counts;
 * today (UTC) when there are none yet (features and tiers of customers without purchases still have a date;
 * stages that need transactions say so themselves).
 */
export async function defaultAsOf(store: Store): Promise<string> {
  const row = await store.one<{ d: string | null }>(
    `SELECT strftime(CAST(max(timestamp) AT TIME ZONE 'UTC' AS DATE) + 1, '%Y-%m-%d') AS d FROM transactions`,
  );
  return row?.d ?? new Date().toISOString().slice(0, 10);
}

/**
 * The cutoff a caller gave, checked, or the default one: `fallback` decides it where the transactions live
 * elsewhere (an engine's own default; the store's by default).
 */
export async function resolveAsOf(store: Store, asOf: string | undefined, fallback: (store: Store) => Promise<string> = defaultAsOf): Promise<string> {
  return asOf === undefined ? fallback(store) : parseDate(asOf, 'asOf');
}
