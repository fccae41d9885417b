/**
 * Per-customer repeat-purchase summary (x, t_x, T, mean repeat-order value) as the BG/NBD and Gamma-Gamma papers
 * define it, from plain transaction arrays as of a cutoff.
 *
 * Conventions (the CDNOW tables of Fader, Hardie and Lee use the same):
 * - Time is cut into UTC days and a customer's lines of one day are summed (two baskets on one day are one
 *   purchase occasion). That day is an order when its net amount is positive, or zero with no negative line
 *   (a free item: CDNOW has $0 purchases). A day that nets negative or nets to zero through a return is not an
 *   order. A return on a later day does not lower the earlier order's value.
 * - frequency x = orders after the first; recency t_x = last order day - first order day; age T = last observed
 *   day - first order day, where the last observed day is the day before `asOf` (only events with timestamp
 *   < asOf count). So the CDNOW calibration ending 1997-09-30 inclusive is `asOf: '1997-10-01'`, and a customer
 *   first seen on 1997-01-01 has T = 272 days = 38.86 weeks.
 * - mean repeat-order value = mean net amount of the repeat orders (the first order excluded); 0 when x = 0.
 * Customers with no order before `asOf` get no row.
 */
import { DAY_MS, dayOfDate, parseDate } from '../../data/dates.ts';
import { badInput } from '../../data/errors.ts';

export type TimeUnit = 'day' | 'week';

/** Days in one model time unit. */
export const UNIT_DAYS: Record<TimeUnit, number> = { day: 1, week: 7 };

/** One transaction line per index; `timesMs` are epoch milliseconds (UTC). */
export interface TransactionArrays {
  customerIds: ArrayLike<string>;
  timesMs: ArrayLike<number>;
  amounts: ArrayLike<number>;
}

export interface SummaryOptions {
  /** Cutoff date 'YYYY-MM-DD' (UTC): only transactions with timestamp < asOf count. */
  asOf: string;
  /** Unit of t_x and T. Default 'week'. */
  unit?: TimeUnit;
}

/** One entry per customer, index-aligned. */
export interface CustomerSummary {
  customerIds: string[];
  /** x: repeat orders (distinct order days after the first). */
  frequency: Float64Array;
  /** t_x: time of the last order since the first, in `unit`. */
  recency: Float64Array;
  /** T: time from the first order to the end of the calibration period, in `unit`. */
  age: Float64Array;
  /** Mean net amount of the repeat orders; 0 when there are none. */
  meanRepeatValue: Float64Array;
  unit: TimeUnit;
  asOf: string;
}

/**
 * Net amount per customer and UTC day, for days in [fromDay, toDay); only the days that are orders (see above).
 * Customers come in order of first appearance in the data, days ascending.
 *
 * @example
 * orderDays({ customerIds: ['a', 'a'], timesMs: [0, 3600e3], amounts: [5, -2] }, { fromDay: 0, toDay: 1 });
 * // Map { 'a' => [{ day: 0, net: 3 }] }
 */
export function orderDays(tx: TransactionArrays, window: { fromDay: number; toDay: number }): Map<string, { day: number; net: number }[]> {
  const { customerIds, timesMs, amounts } = tx;
  if (timesMs.length !== customerIds.length || amounts.length !== customerIds.length) {
    throw badInput('customerIds, timesMs and amounts must have the same length');
  }
  // Number the customers, bucket the lines by customer (counting sort, linear), order each bucket by day, then
  // one pass sums each day: no per-day objects for the garbage collector, no n log n sort over all lines.
  const customerIndex = new Map<string, number>();
  const names: string[] = [];
  const customerOf = new Int32Array(customerIds.length).fill(-1);
  const counts: number[] = [];
  for (let i = 0; i < customerIds.length; i++) {
    const day = Math.floor(timesMs[i] / DAY_MS);
    if (!(day >= window.fromDay && day < window.toDay)) continue;
    let c = customerIndex.get(customerIds[i]);
    if (c === undefined) {
      customerIndex.set(customerIds[i], (c = names.length));
      names.push(customerIds[i]);
      counts.push(0);
    }
    customerOf[i] = c;
    counts[c]++;
  }
  const start = new Int32Array(names.length + 1);
  for (let c = 0; c < names.length; c++) start[c + 1] = start[c] + counts[c];
  const fill = start.slice(0, names.length);
  const lines = new Int32Array(start[names.length]);
  for (let i = 0; i < customerIds.length; i++) if (customerOf[i] >= 0) lines[fill[customerOf[i]]++] = i;

  const out = new Map<string, { day: number; net: number }[]>();
  for (let c = 0; c < names.length; c++) {
    // Buckets hold a customer's lines, a handful as a rule: insertion sort by day in place, a real sort for
    // the rare big account.
    const from = start[c];
    const to = start[c + 1];
    const dayAt = (k: number) => Math.floor(timesMs[lines[k]] / DAY_MS);
    if (to - from > 32) lines.subarray(from, to).sort((u, v) => timesMs[u] - timesMs[v]);
    else for (let k = from + 1; k < to; k++) {
      const line = lines[k];
      const day = dayAt(k);
      let j = k - 1;
      for (; j >= from && dayAt(j) > day; j--) lines[j + 1] = lines[j];
      lines[j + 1] = line;
    }
    const orders: { day: number; net: number }[] = [];
    for (let k = from; k < to; ) {
      const day = dayAt(k);
      let net = 0;
      let hasReturn = false;
      for (; k < to && dayAt(k) === day; k++) {
        net += amounts[lines[k]];
        hasReturn ||= amounts[lines[k]] < 0;
      }
      if (net > 0 || (net === 0 && !hasReturn)) orders.push({ day, net });
    }
    if (orders.length) out.set(names[c], orders);
  }
  return out;
}

/**
 * Summarises transactions into (x, t_x, T, mean repeat value) per customer as of a cutoff.
 *
 * @example
 * const s = summarize({ customerIds: ['a', 'a', 'b'], timesMs: [0, 7 * 86400e3, 0], amounts: [10, 20, 5] },
 *   { asOf: '1970-01-15', unit: 'week' });
 * // s.frequency = [1, 0], s.recency = [1, 0], s.age = [2, 2], s.meanRepeatValue = [20, 0]
 */
export function summarize(tx: TransactionArrays, options: SummaryOptions): CustomerSummary {
  const unit = options.unit ?? 'week';
  const asOfDay = dayOfDate(parseDate(options.asOf, 'asOf'));
  const lastObservedDay = asOfDay - 1;
  const customers = orderDays(tx, { fromDay: -Infinity, toDay: asOfDay });
  const n = customers.size;
  const summary: CustomerSummary = {
    customerIds: [...customers.keys()],
    frequency: new Float64Array(n),
    recency: new Float64Array(n),
    age: new Float64Array(n),
    meanRepeatValue: new Float64Array(n),
    unit,
    asOf: options.asOf,
  };
  const perUnit = UNIT_DAYS[unit];
  let i = 0;
  for (const orders of customers.values()) {
    const first = orders[0].day;
    const x = orders.length - 1;
    let repeatTotal = 0;
    for (let k = 1; k < orders.length; k++) repeatTotal += orders[k].net;
    summary.frequency[i] = x;
    summary.recency[i] = (orders[x].day - first) / perUnit;
    summary.age[i] = (lastObservedDay - first) / perUnit;
    summary.meanRepeatValue[i] = x > 0 ? repeatTotal / x : 0;
    i++;
  }
  return summary;
}
