/**
 * Calibration/holdout check as in Fader, Hardie and Lee (2005): fit on the calibration period, predict each
 * customer's repeat purchases over the holdout period, and compare with what they did, per customer (MAE) and
 * by number of calibration repeat purchases (0, 1, ..., 7+), the papers' conditional-expectation table.
 */
import { expectedPurchases, fitBgNbd, type BgNbdFit, type BgNbdParams } from './bgnbd.ts';
import { UNIT_DAYS, dayOfDate, orderDays, summarize, type CustomerSummary, type TimeUnit, type TransactionArrays } from './summary.ts';

export interface FrequencyGroup {
  /** '0' ... '6', '7+': calibration repeat purchases. */
  frequency: string;
  customers: number;
  /** Mean holdout repeat purchases per customer of the group, predicted and observed. */
  expectedMean: number;
  actualMean: number;
}

export interface HoldoutReport {
  customers: number;
  holdoutDays: number;
  expectedTotal: number;
  actualTotal: number;
  /** Mean absolute error of predicted vs actual holdout orders per customer. */
  mae: number;
  byFrequency: FrequencyGroup[];
}

const TOP_GROUP = 7;

/**
 * Compares predicted with actual holdout orders for the calibration customers (`actual` aligned with them).
 *
 * @example
 * const report = compareHoldout(fit.params, calibration, actual, 273); // report.mae, report.byFrequency
 */
export function compareHoldout(params: BgNbdParams, calibration: CustomerSummary, actual: Float64Array, holdoutDays: number): HoldoutReport {
  const t = holdoutDays / UNIT_DAYS[calibration.unit];
  const groups = Array.from({ length: TOP_GROUP + 1 }, () => ({ customers: 0, expected: 0, actual: 0 }));
  let expectedTotal = 0;
  let actualTotal = 0;
  let absError = 0;
  const n = calibration.customerIds.length;
  for (let i = 0; i < n; i++) {
    const x = calibration.frequency[i];
    const predicted = expectedPurchases(params, t, x, calibration.recency[i], calibration.age[i]);
    const g = groups[Math.min(x, TOP_GROUP)];
    g.customers++;
    g.expected += predicted;
    g.actual += actual[i];
    expectedTotal += predicted;
    actualTotal += actual[i];
    absError += Math.abs(predicted - actual[i]);
  }
  return {
    customers: n,
    holdoutDays,
    expectedTotal,
    actualTotal,
    mae: n ? absError / n : NaN,
    byFrequency: groups.map((g, k) => ({
      frequency: k === TOP_GROUP ? `${TOP_GROUP}+` : String(k),
      customers: g.customers,
      expectedMean: g.customers ? g.expected / g.customers : NaN,
      actualMean: g.customers ? g.actual / g.customers : NaN,
    })),
  };
}

export interface HoldoutOptions {
  /** End of calibration (exclusive, 'YYYY-MM-DD'); the holdout is [calibrationEnd, calibrationEnd + holdoutDays). */
  calibrationEnd: string;
  holdoutDays: number;
  /** Default 'week'. */
  unit?: TimeUnit;
}

/**
 * Fits BG/NBD on the calibration period of `tx` and reports the holdout comparison.
 *
 * @example
 * const { fit, report } = holdoutCheck(tx, { calibrationEnd: '1997-10-01', holdoutDays: 273, unit: 'week' });
 */
export function holdoutCheck(tx: TransactionArrays, options: HoldoutOptions): { fit: BgNbdFit; report: HoldoutReport } {
  const calibration = summarize(tx, { asOf: options.calibrationEnd, unit: options.unit });
  const fit = fitBgNbd(calibration);
  const start = dayOfDate(options.calibrationEnd, 'calibrationEnd');
  const holdout = orderDays(tx, { fromDay: start, toDay: start + options.holdoutDays });
  const actual = Float64Array.from(calibration.customerIds, (id) => holdout.get(id)?.length ?? 0);
  return { fit, report: compareHoldout(fit.params, calibration, actual, options.holdoutDays) };
}
