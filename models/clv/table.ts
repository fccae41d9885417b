/**
 * The store edge of lifetime value: read transactions from DuckDB, fit and predict, write `customer_clv`.
 * Everything numeric happens in the pure modules; this file only moves rows.
 */
import { DuckDBDateValue } from '@duckdb/node-api';
import type { Store } from '../../data/store.ts';
import { dayOfDate, parseDate, resolveAsOf, shiftDate } from '../../data/dates.ts';
import { badInput } from '../../data/errors.ts';
import { purchaseModel, PURCHASE_MODELS } from './catalog.ts';
import { fitGammaGamma, type GammaGammaFit } from './gammagamma.ts';
import { compareOnHoldout, type HoldoutComparison } from './holdout.ts';
import { predictCustomers } from './predict.ts';
import { fitPurchaseModel, type PurchaseFit } from './purchase.ts';
import { sampleSummary } from './sample.ts';
import { naiveWarning, selectPurchaseModel, type ModelSelection } from './select.ts';
import { UNIT_DAYS, summarize, type TimeUnit, type TransactionArrays } from './summary.ts';

export interface ClvOptions {
  /** Cutoff 'YYYY-MM-DD': transactions with timestamp < asOf count. Default: the day after the last transaction. */
  asOf?: string;
  /** Model time unit. Default 'week'. */
  unit?: TimeUnit;
  /** Months ahead for expected purchases and CLV. Default 12. */
  horizonMonths?: number;
  /** Annual discount rate for CLV. Default 0.1. */
  discountRateAnnual?: number;
  /**
   * The customer-day lines before `asOf`, as `readTransactions` reads them from the store; given by an engine
   * whose transactions live elsewhere (models/engine). Default: read from the store.
   */
  transactions?: TransactionArrays;
  /**
   * The purchase model and Gamma-Gamma are fitted on a seeded uniform sample of this many customers when there
   * are more (sample.ts); every customer is predicted. Default `CLV_DEFAULTS.maxFitCustomers`.
   */
  maxFitCustomers?: number;
  /** Seed of that sample. Default 42. */
  seed?: number;
  /** Called as each step ends (`part` names it), with the wall and CPU seconds since writeClv began. */
  onProgress?: (part: string, detail: { elapsedS: number; cpuS: number; [key: string]: unknown }) => void;
}

/**
 * 20,000 customers, as many as the model comparison scores (select.ts): at 300,000 demo customers (146,972 in
 * the calibration period) Pareto/NBD fitted on 20,000 of them predicts the 182-day holdout with an MAE 0.2% above
 * the fit on all of them, in 8 s instead of 57 s (`npm run bench -- clv-sample`, README "Scaling"). Its
 * likelihood costs a 39-node quadrature per group of equal customers, hundreds of times over a fit.
 */
export const CLV_DEFAULTS = { maxFitCustomers: 20_000, seed: 42 } as const;

export interface ClvRun {
  asOf: string;
  unit: TimeUnit;
  horizonMonths: number;
  discountRateAnnual: number;
  customers: number;
  /** How the purchase model was chosen, with every model's and the naive baseline's figures on the split. */
  selection: ModelSelection;
  /**
   * The chosen purchase model fitted on the transactions before asOf of every customer, or of a seeded sample of
   * `maxFitCustomers` of them (then `purchase.customers` < `customers`).
   */
  purchase: PurchaseFit;
  gammaGamma: GammaGammaFit;
  /** The per-horizon column names written (`expected_purchases_12m`, `clv_12m` at the default horizon). */
  columns: { expectedPurchases: string; clv: string };
}

/**
 * Beside every customer when the purchase model's fit found no dropout (purchase.ts, `noDropout`). Its p_alive would be ~1 for
 * everyone, however long silent, and would contradict the churn risk shown next to it, so it is left NULL.
 */
export const NO_DROPOUT_NOTE = 'no dropout found in the data: probability alive not estimated, CLV is an upper bound (see churn risk)';

/**
 * Transactions before `before` (exclusive, 'YYYY-MM-DD') as arrays for `summarize`. SQL pre-sums each customer's
 * day into at most two lines, the non-negative and the negative ones, which keeps every fact the order rule needs;
 * lines come ordered by customer and day.
 *
 * @example
 * const tx = await readTransactions(store, { before: '2024-01-01' });
 */
export async function readTransactions(store: Store, options: { before: string }): Promise<TransactionArrays> {
  parseDate(options.before, 'before');
  // Read column-wise: a million customers have millions of day lines, too many to hold as row objects.
  const reader = await store.connection.runAndReadAll(
    `SELECT customer_id, epoch_ms(date_trunc('day', timestamp AT TIME ZONE 'UTC'))::DOUBLE AS day_ms, sum(amount)::DOUBLE AS net
       FROM transactions
      WHERE timestamp < $1::DATE::TIMESTAMPTZ
      GROUP BY customer_id, day_ms, amount < 0
      -- A fixed order: the fits sum over customers in this order, so the same data gives the same parameters
      -- to the last bit (DuckDB's parallel GROUP BY returns groups in any order).
      ORDER BY customer_id, day_ms, net`,
    [options.before],
  );
  const [customerIds = [], daysMs = [], nets = []] = reader.getColumnsJS() as [string[]?, number[]?, number[]?];
  return { customerIds, timesMs: Float64Array.from(daysMs), amounts: Float64Array.from(nets) };
}

/**
 * Chooses the purchase model on a calibration split (select.ts), fits it and Gamma-Gamma on transactions before
 * `asOf`, predicts every customer with an order, and replaces `customer_clv` in one transaction. Columns: customer_id, clv_frequency, clv_recency, clv_age (x, t_x, T in
 * `clv_unit`), clv_unit, p_alive, expected_purchases_{H}m, next_order_date (NULL when not expected within the
 * horizon), predicted_aov, clv_{H}m, clv_note, for horizon H months (12 by default); at the no-dropout limit
 * p_alive is NULL and clv_note says why (NO_DROPOUT_NOTE). Non-converged fits are still written
 * (the best estimate found) and flagged in the returned run; check `purchase.converged` and `gammaGamma.converged`.
 *
 * @example
 * const run = await writeClv(store, { asOf: '2024-01-01', unit: 'week' });
 * // run.purchase.model, run.purchase.params, run.selection.warning, run.gammaGamma.params
 */
export async function writeClv(store: Store, options: ClvOptions = {}): Promise<ClvRun> {
  const asOf = await resolveAsOf(store, options.asOf);
  const unit = options.unit ?? 'week';
  if (!(unit in UNIT_DAYS)) throw badInput(`unit must be day or week, got "${unit}"`, { field: 'unit' });
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const done = (part: string, detail: Record<string, unknown> = {}) => {
    const { user, system } = process.cpuUsage(cpuStart);
    options.onProgress?.(part, { elapsedS: Math.round((performance.now() - started) / 100) / 10, cpuS: Math.round((user + system) / 1e5) / 10, ...detail });
  };
  const tx = options.transactions ?? (await readTransactions(store, { before: asOf }));
  const summary = summarize(tx, { asOf, unit });
  if (summary.customerIds.length === 0) throw badInput(`no orders before ${asOf} to fit lifetime value on`, { field: 'asOf' });
  done('summarized', { lines: tx.timesMs.length, customers: summary.customerIds.length });
  const selection = selectPurchaseModel(tx, { asOf, unit });
  done('model chosen', { model: selection.chosen });
  const model = purchaseModel(selection.chosen);
  const fitOn = sampleSummary(summary, options.maxFitCustomers ?? CLV_DEFAULTS.maxFitCustomers, options.seed ?? CLV_DEFAULTS.seed);
  const purchase = fitPurchaseModel(model, fitOn);
  const gammaGamma = fitGammaGamma(fitOn);
  done('fitted', { customers: fitOn.customerIds.length });
  const predictions = predictCustomers(summary, { purchase: { model, params: purchase.params }, gammaGamma: gammaGamma.params }, options);
  done('predicted');
  const { horizonMonths, discountRateAnnual } = predictions;
  const columns = { expectedPurchases: `expected_purchases_${horizonMonths}m`, clv: `clv_${horizonMonths}m` };
  const lastObservedDay = dayOfDate(asOf) - 1;
  const unitDays = UNIT_DAYS[unit];

  await store.transaction(async () => {
    await store.run(`CREATE OR REPLACE TABLE customer_clv (
      customer_id VARCHAR PRIMARY KEY, clv_frequency INTEGER, clv_recency DOUBLE, clv_age DOUBLE, clv_unit VARCHAR,
      p_alive DOUBLE, ${columns.expectedPurchases} DOUBLE, next_order_date DATE, predicted_aov DOUBLE, ${columns.clv} DOUBLE, clv_note VARCHAR)`);
    const appender = await store.connection.createAppender('customer_clv');
    for (let i = 0; i < summary.customerIds.length; i++) {
      appender.appendVarchar(summary.customerIds[i]);
      appender.appendInteger(summary.frequency[i]);
      appender.appendDouble(summary.recency[i]);
      appender.appendDouble(summary.age[i]);
      appender.appendVarchar(unit);
      if (purchase.noDropout) appender.appendNull();
      else appender.appendDouble(predictions.pAlive[i]);
      appender.appendDouble(predictions.expectedPurchases[i]);
      const wait = predictions.nextOrderUnits[i];
      // The model clock stands at the last observed day; an order comes on a later day, at the earliest asOf.
      if (Number.isNaN(wait)) appender.appendNull();
      else appender.appendDate(new DuckDBDateValue(lastObservedDay + Math.max(1, Math.ceil(wait * unitDays))));
      appendNumber(appender, predictions.predictedAov[i]);
      appendNumber(appender, predictions.clv[i]);
      if (purchase.noDropout) appender.appendVarchar(NO_DROPOUT_NOTE);
      else appender.appendNull();
      appender.endRow();
    }
    appender.closeSync();
  });
  done('written');
  return { asOf, unit, horizonMonths, discountRateAnnual, customers: summary.customerIds.length, selection, purchase, gammaGamma, columns };
}

/** NaN (e.g. AOV when q <= 1) is stored as NULL: DuckDB would keep NaN, which sorts above every number. */
function appendNumber(appender: { appendDouble(v: number): void; appendNull(): void }, value: number): void {
  if (Number.isFinite(value)) appender.appendDouble(value);
  else appender.appendNull();
}

export interface ClvHoldoutOptions {
  /** End of the holdout (exclusive). Default: the day after the last transaction. */
  asOf?: string;
  /** Length of the holdout; calibration ends `holdoutDays` before `asOf`. */
  holdoutDays: number;
  unit?: TimeUnit;
}

export interface ClvHoldout extends HoldoutComparison {
  /** The model chosen on a split of the calibration period alone (the holdout unseen), as writeClv chooses. */
  selection: ModelSelection;
  /** Set when the naive baseline beat the chosen model on the holdout, by MAE. */
  warning?: string;
}

/**
 * Calibration/holdout check on the store: every purchase model fitted on transactions before
 * asOf - holdoutDays, and the naive baseline, compared with the orders of [asOf - holdoutDays, asOf); the model
 * is chosen as writeClv would choose it from the calibration period alone.
 *
 * @example
 * const holdout = await clvHoldout(store, { asOf: '1998-07-01', holdoutDays: 273 });
 * // holdout.selection.chosen, holdout.models, holdout.naive, holdout.warning
 */
export async function clvHoldout(store: Store, options: ClvHoldoutOptions): Promise<ClvHoldout> {
  const { holdoutDays } = options;
  if (!Number.isInteger(holdoutDays) || holdoutDays < 1) throw badInput(`holdoutDays must be a whole number >= 1, got ${holdoutDays}`, { field: 'holdoutDays' });
  const asOf = await resolveAsOf(store, options.asOf);
  const calibrationEnd = shiftDate(asOf, -holdoutDays);
  const tx = await readTransactions(store, { before: asOf });
  const comparison = compareOnHoldout(tx, { calibrationEnd, holdoutDays, unit: options.unit, models: PURCHASE_MODELS });
  const selection = selectPurchaseModel(tx, { asOf: calibrationEnd, unit: options.unit });
  const chosen = comparison.models.find((m) => m.model === selection.chosen);
  const warning = chosen && naiveWarning(chosen, comparison, `on the ${holdoutDays}-day holdout`);
  return { ...comparison, selection, ...(warning && { warning }) };
}
