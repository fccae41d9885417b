/**
 * The data the purchase models (BG/NBD, MBG/NBD, Pareto/NBD) are fitted on: per customer x (repeat
 * purchases), t_x (recency) and T (age), checked once and grouped, since customers with equal (x, t_x, T) share
 * every quantity of the models.
 */
import { badInput } from '../../data/errors.ts';

/** Per customer x (repeat purchases), t_x (recency) and T (age); a `CustomerSummary` fits. */
export interface RepeatData {
  frequency: Float64Array;
  recency: Float64Array;
  age: Float64Array;
}

/** Checks the data the likelihood assumes: integer x >= 0, 0 <= t_x <= T, t_x = 0 when x = 0. */
export function validateRepeatData(data: RepeatData): number {
  const { frequency, recency, age } = data;
  let maxX = 0;
  for (let i = 0; i < frequency.length; i++) {
    const x = frequency[i];
    const ok = Number.isInteger(x) && x >= 0 && recency[i] >= 0 && recency[i] <= age[i] + 1e-9 && (x > 0 || recency[i] === 0);
    if (!ok) throw badInput(`customer ${i}: need integer x >= 0 and 0 <= t_x <= T (t_x = 0 when x = 0); got x=${x}, t_x=${recency[i]}, T=${age[i]}`, { row: i });
    if (x > maxX) maxX = x;
  }
  return maxX;
}

/**
 * Customers with identical (x, t_x, T) share every quantity of the purchase models, and on day-grained data there are far fewer
 * groups than customers, and fewer distinct times still; the likelihood then takes one log per distinct time.
 */
export interface RepeatGroups extends RepeatData {
  /** Customers per group. */
  weight: Float64Array;
  /** Group of each input customer. */
  groupOf: Int32Array;
  /** The distinct values of t_x and T, and where each group's t_x and T sit among them. */
  times: Float64Array;
  recencyAt: Int32Array;
  ageAt: Int32Array;
}

/**
 * Collapses customers with the same (x, t_x, T) into weighted groups.
 *
 * @example
 * const g = groupRepeatData({ frequency: Float64Array.of(0, 0), recency: Float64Array.of(0, 0), age: Float64Array.of(5, 5) });
 * // g.weight = [2], g.groupOf = [0, 0], g.times = [0, 5]
 */
export function groupRepeatData(data: RepeatData): RepeatGroups {
  const n = data.frequency.length;
  const timeIndex = new Map<number, number>();
  const times: number[] = [];
  const timeAt = (t: number) => {
    let k = timeIndex.get(t);
    if (k === undefined) {
      timeIndex.set(t, (k = times.length));
      times.push(t);
    }
    return k;
  };
  const recencyAll = Int32Array.from(data.recency, timeAt);
  const ageAll = Int32Array.from(data.age, timeAt);
  // One small-integer-keyed map per age: numeric keys past 2^31 would be boxed and slow the lookups.
  const m = times.length;
  const byAge = Array.from({ length: m }, () => new Map<number, number>());
  const groupOf = new Int32Array(n);
  const first: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < n; i++) {
    const groups = byAge[ageAll[i]];
    const key = data.frequency[i] * m + recencyAll[i];
    let g = groups.get(key);
    if (g === undefined) {
      groups.set(key, (g = weight.length));
      first.push(i);
      weight.push(0);
    }
    weight[g]++;
    groupOf[i] = g;
  }
  return {
    frequency: Float64Array.from(first, (i) => data.frequency[i]),
    recency: Float64Array.from(first, (i) => data.recency[i]),
    age: Float64Array.from(first, (i) => data.age[i]),
    weight: Float64Array.from(weight),
    groupOf,
    times: Float64Array.from(times),
    recencyAt: Int32Array.from(first, (i) => recencyAll[i]),
    ageAt: Int32Array.from(first, (i) => ageAll[i]),
  };
}
