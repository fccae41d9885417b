/**
 * A stage checks the JS heap between its steps, so running out of memory ends the run with an error naming the
 * stage and the size (recorded with the run like any failure) rather than a V8 abort that takes the process down.
 */
import { getHeapStatistics } from 'node:v8';
import { TierlabError } from '../data/errors.ts';

/** The share of V8's heap limit in use above which a stage stops before its next step. */
export const HEAP_GUARD_SHARE = 0.85;

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

/**
 * Throws when the heap in use is above `share` of Node's limit.
 *
 * @example
 * checkHeap({ stage: 'churn', step: 'scoring', customers: 1_000_000 });
 */
export function checkHeap(where: { stage: string; step: string; customers: number }, share = HEAP_GUARD_SHARE): void {
  const { used_heap_size: used, heap_size_limit: limit } = getHeapStatistics();
  if (used <= share * limit) return;
  throw new TierlabError(
    'failed',
    `the ${where.stage} stage (${where.step}) at ${where.customers} customers is about to exceed Node's memory: ${mb(used)} of ${mb(limit)} MB heap in use; ` +
      `nothing was promoted. Run it on fewer customers or a machine with more memory (README: Scaling)`,
  );
}
