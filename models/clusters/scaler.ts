import type { DenseMatrix } from './matrix.ts';
import { column, type CustomerTable } from './table.ts';

/**
 * How raw features become k-means coordinates: missing values filled, a signed log1p, then z-scores.
 * Saved with the model so new customers land in the same space.
 */
export interface Scaler {
  features: string[];
  /** Raw value used for a missing one, per feature. */
  fill: number[];
  /** Mean and standard deviation of the log-transformed feature. */
  mean: number[];
  std: number[];
}

/**
 * Missing means "never": a customer with no order has no recency and no gap between orders, so those take the
 * longest value seen; any other missing value takes the median.
 */
const FILL_WITH_MAX = new Set(['recency_days', 'mean_days_between_orders']);

/**
 * sign(v) * log(1 + |v|). Spend, counts and day spans are heavy-tailed; the log keeps a few whales from owning
 * a cluster. Signed because `monetary` can be zero or negative (returns exceed purchases): those customers stay
 * ordered below the buyers instead of being clamped together with the zeros.
 *
 * @example
 * signedLog1p(-99); // -4.605
 */
export function signedLog1p(value: number): number {
  return Math.sign(value) * Math.log1p(Math.abs(value));
}

/** The inverse of `signedLog1p`, for reading centroids back in days, orders and money. */
export function inverseSignedLog1p(value: number): number {
  return Math.sign(value) * Math.expm1(Math.abs(value));
}

/**
 * Learns fill values, means and deviations of `features` over the table.
 *
 * @example
 * const scaler = fitScaler(table, ['recency_days', 'frequency', 'monetary']);
 */
export function fitScaler(table: CustomerTable, features: string[]): Scaler {
  const scaler: Scaler = { features, fill: [], mean: [], std: [] };
  for (const name of features) {
    const values = column(table, name);
    const fill = (FILL_WITH_MAX.has(name) ? maxOf(values) : medianOf(values)) || 0;
    let sum = 0;
    let sumSq = 0;
    for (const raw of values) {
      const v = signedLog1p(Number.isFinite(raw) ? raw : fill);
      sum += v;
      sumSq += v * v;
    }
    const mean = sum / values.length;
    const std = Math.sqrt(Math.max(sumSq / values.length - mean * mean, 0));
    scaler.fill.push(fill);
    scaler.mean.push(mean);
    // A constant feature carries no information; a unit scale keeps it at 0 instead of dividing by zero.
    scaler.std.push(std > 1e-12 ? std : 1);
  }
  return scaler;
}

/**
 * The table in the scaler's space: one row per customer, one column per feature.
 *
 * @example
 * const matrix = applyScaler(table, scaler);
 */
export function applyScaler(table: CustomerTable, scaler: Scaler): DenseMatrix {
  const n = table.customerIds.length;
  const cols = scaler.features.length;
  const data = new Float64Array(n * cols);
  scaler.features.forEach((name, t) => {
    const values = column(table, name);
    for (let i = 0; i < n; i++) {
      const raw = Number.isFinite(values[i]) ? values[i] : scaler.fill[t];
      data[i * cols + t] = (signedLog1p(raw) - scaler.mean[t]) / scaler.std[t];
    }
  });
  return { data, rows: n, cols };
}

/** A point of the scaled space (e.g. a centroid) back in raw units. */
export function unscale(point: ArrayLike<number>, scaler: Scaler): number[] {
  return scaler.features.map((_, t) => inverseSignedLog1p(point[t] * scaler.std[t] + scaler.mean[t]));
}

/**
 * Median of the finite values (NaN when there are none), by quickselect: O(n), where sorting a million
 * values per column and cluster was the slowest part of profiling.
 *
 * @example
 * medianOf([3, NaN, 1, 2, 10]); // 2.5
 */
export function medianOf(values: ArrayLike<number>): number {
  const work = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) work[n++] = values[i];
  if (n === 0) return NaN;
  const upper = select(work, n, n >> 1);
  if (n % 2) return upper;
  // After selecting rank n/2 everything left of it is <= it; the lower middle is the largest of those.
  let lower = -Infinity;
  for (let i = 0; i < n >> 1; i++) lower = Math.max(lower, work[i]);
  return (lower + upper) / 2;
}

/** Hoare's quickselect over work[0..n): the value of rank `rank`, leaving smaller-or-equal values to its left. */
function select(work: Float64Array, n: number, rank: number): number {
  let left = 0;
  let right = n - 1;
  while (left < right) {
    const pivot = work[(left + right) >> 1];
    let i = left;
    let j = right;
    while (i <= j) {
      while (work[i] < pivot) i++;
      while (work[j] > pivot) j--;
      if (i <= j) {
        const t = work[i];
        work[i] = work[j];
        work[j] = t;
        i++;
        j--;
      }
    }
    if (rank <= j) right = j;
    else if (rank >= i) left = i;
    else break;
  }
  return work[rank];
}

function maxOf(values: ArrayLike<number>): number {
  let max = NaN;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]) && !(values[i] <= max)) max = values[i];
  return max;
}
