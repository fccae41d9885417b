import { refreshAnalyticsView } from '../data/analytics.ts';
import type { Store } from '../data/store.ts';
import type { TimeUnit } from '../models/clv/summary.ts';
import { clvHoldout, writeClv, type ClvHoldout, type ClvRun } from '../models/clv/table.ts';

export interface ClvFitOptions {
  asOf?: string;
  unit?: TimeUnit;
  horizonMonths?: number;
  discountRateAnnual?: number;
  /** When set, also fit every model on all but the last `holdoutDays` before asOf and compare with them. */
  holdoutDays?: number;
}

export interface ClvFitResult {
  run: ClvRun;
  holdout?: ClvHoldout;
}

/**
 * What `tierlab clv fit` does: the optional holdout check, then fit, predict and write `customer_clv`, then
 * refresh `customer_analytics`.
 *
 * @example
 * const { run, holdout } = await clvFit(store, { asOf: '1998-07-01', holdoutDays: 273 });
 */
export async function clvFit(store: Store, options: ClvFitOptions = {}): Promise<ClvFitResult> {
  const holdout =
    options.holdoutDays === undefined ? undefined : await clvHoldout(store, { asOf: options.asOf, holdoutDays: options.holdoutDays, unit: options.unit });
  const run = await writeClv(store, options);
  await refreshAnalyticsView(store);
  return { run, holdout };
}
