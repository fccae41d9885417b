/**
 * Seeded uniform samples of customers, for the fits that need a few tens of thousands of them and not a million:
 * the model comparison (select.ts) and the final fit of the chosen purchase model and Gamma-Gamma (table.ts).
 * Parameters estimated on n customers move by about 1/sqrt(n) of their spread, far below what changes a
 * prediction; `npm run bench -- clv-sample` measures it.
 */
import { seededRandom } from '../../data/random.ts';
import type { CustomerSummary } from './summary.ts';

/**
 * `size` of the indices 0..n-1 drawn uniformly without replacement (a partial Fisher-Yates shuffle from `seed`),
 * in draw order; every index in order when n <= size.
 *
 * @example
 * sampleIndices(5, 2, 42); // two distinct indices in 0..4, the same two for seed 42 on every machine
 */
export function sampleIndices(n: number, size: number, seed: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (n <= size) return order;
  const next = seededRandom(seed);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(next() * (n - i));
    const swap = order[i];
    order[i] = order[j];
    order[j] = swap;
  }
  return order.slice(0, size);
}

/**
 * A seeded uniform sample of at most `size` of the summary's customers, in their summary order (so a fit sums
 * over them in a fixed order); the summary itself when it has no more.
 *
 * @example
 * const fitOn = sampleSummary(summary, 50_000, 42); // fitOn.customerIds.length <= 50_000
 */
export function sampleSummary(summary: CustomerSummary, size: number, seed: number): CustomerSummary {
  const n = summary.customerIds.length;
  if (n <= size) return summary;
  const keep = sampleIndices(n, size, seed).sort();
  const take = (values: Float64Array) => Float64Array.from(keep, (i) => values[i]);
  return {
    customerIds: Array.from(keep, (i) => summary.customerIds[i]),
    frequency: take(summary.frequency),
    recency: take(summary.recency),
    age: take(summary.age),
    meanRepeatValue: take(summary.meanRepeatValue),
    unit: summary.unit,
    asOf: summary.asOf,
  };
}
