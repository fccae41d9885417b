/**
 * Per-customer predictions from a fitted purchase model (BG/NBD, MBG/NBD or Pareto/NBD) and Gamma-Gamma.
 *
 * Definitions:
 * - p_alive: the purchase model's P(alive | x, t_x, T). Under BG/NBD a customer drops out only right after a
 *   repeat purchase, so a one-time buyer is still alive with probability 1 (their low value shows in expected
 *   purchases instead); MBG/NBD and Pareto/NBD let one-time buyers have left too.
 * - expected purchases: E[purchases in the next `horizonMonths` | x, t_x, T].
 * - next order: the median of the time to the next order, counting dropout. Given alive, the next purchase
 *   comes after an Exp(lambda) wait with lambda ~ Gamma(r + x, alpha + T) (in all three models), so
 *   P(next order within s) = p_alive * (1 - ((alpha + T) / (alpha + T + s))^(r + x)), and the median solves
 *   that = 1/2 in closed form. Exact for BG/NBD and MBG/NBD, where nobody leaves between purchases; under
 *   Pareto/NBD a customer may also leave during the wait, which this leaves out, so its date is a little early.
 *   None (NaN) when p_alive <= 1/2 or the median lies beyond the horizon: such a customer is more likely than
 *   not to place no order within it.
 * - predicted AOV: Gamma-Gamma E[order value | x, mean repeat value]; with x = 0 the population mean.
 * - CLV: AOV x expected purchases of each month of the horizon, discounted at the end of that month at the
 *   monthly rate equivalent to `discountRateAnnual` ((1 + d)^(1/12) - 1). A month is 365.25 / 12 days.
 */
import { badInput } from '../../data/errors.ts';
import type { GammaGammaParams } from './gammagamma.ts';
import type { PurchaseModel, PurchaseParams } from './purchase.ts';
import { groupRepeatData } from './repeat-data.ts';
import { expectedOrderValue } from './gammagamma.ts';
import { UNIT_DAYS, type CustomerSummary } from './summary.ts';

export interface PredictOptions {
  /** Whole months ahead for expected purchases, next order and CLV. Default 12. */
  horizonMonths?: number;
  /** Annual discount rate for CLV, e.g. 0.1 for 10%. Default 0.1. */
  discountRateAnnual?: number;
}

export const PREDICT_DEFAULTS: Required<PredictOptions> = { horizonMonths: 12, discountRateAnnual: 0.1 };

const DAYS_PER_MONTH = 365.25 / 12;

export interface ClvModels {
  purchase: { model: PurchaseModel; params: PurchaseParams };
  gammaGamma: GammaGammaParams;
}

/** Index-aligned with the summary's customers. */
export interface CustomerPredictions {
  pAlive: Float64Array;
  expectedPurchases: Float64Array;
  /** Time from the last observed day to the median next order, in the summary's unit; NaN when none (see above). */
  nextOrderUnits: Float64Array;
  predictedAov: Float64Array;
  clv: Float64Array;
  horizonMonths: number;
  discountRateAnnual: number;
}

/**
 * Median time to the next order in model units (see the module comment), or NaN when it is not within `maxUnits`.
 *
 * @example
 * medianNextOrder({ model: BG_NBD, params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 } }, 2, 30.43, 38.86, 52); // ~29.5 (weeks)
 */
export function medianNextOrder(purchase: ClvModels['purchase'], x: number, recency: number, age: number, maxUnits: number): number {
  return medianWait(purchase.params, purchase.model.probabilityAlive(purchase.params, x, recency, age), x, age, maxUnits);
}

/** `medianNextOrder` given P(alive). */
function medianWait(params: PurchaseParams, pAlive: number, x: number, age: number, maxUnits: number): number {
  if (pAlive <= 0.5) return NaN;
  const survive = 1 - 0.5 / pAlive;
  const s = (params.alpha + age) * (Math.pow(survive, -1 / (params.r + x)) - 1);
  return s <= maxUnits ? s : NaN;
}

/**
 * Predictions for every customer of a summary.
 *
 * @example
 * const out = predictCustomers(summary, { purchase: { model: BG_NBD, params: bg.params }, gammaGamma: gg.params }, { horizonMonths: 12 });
 * // out.pAlive[i], out.expectedPurchases[i], out.nextOrderUnits[i], out.predictedAov[i], out.clv[i]
 */
export function predictCustomers(summary: CustomerSummary, models: ClvModels, options: PredictOptions = {}): CustomerPredictions {
  const horizonMonths = options.horizonMonths ?? PREDICT_DEFAULTS.horizonMonths;
  const discountRateAnnual = options.discountRateAnnual ?? PREDICT_DEFAULTS.discountRateAnnual;
  if (!Number.isInteger(horizonMonths) || horizonMonths < 1) throw badInput(`horizonMonths must be a whole number >= 1, got ${horizonMonths}`, { field: 'horizonMonths' });
  if (!(discountRateAnnual > -1)) throw badInput(`discountRateAnnual must be > -1, got ${discountRateAnnual}`, { field: 'discountRateAnnual' });
  const monthUnits = DAYS_PER_MONTH / UNIT_DAYS[summary.unit];
  const monthlyFactor = 1 / Math.pow(1 + discountRateAnnual, 1 / 12);
  const n = summary.customerIds.length;
  const out: CustomerPredictions = {
    pAlive: new Float64Array(n),
    expectedPurchases: new Float64Array(n),
    nextOrderUnits: new Float64Array(n),
    predictedAov: new Float64Array(n),
    clv: new Float64Array(n),
    horizonMonths,
    discountRateAnnual,
  };
  const { purchase, gammaGamma } = models;
  const { model, params } = purchase;
  // Purchase predictions depend on (x, t_x, T) only: once per group of equal customers.
  const groups = groupRepeatData(summary);
  const g = groups.weight.length;
  const pAlive = new Float64Array(g);
  const expected = new Float64Array(g);
  const nextOrder = new Float64Array(g);
  const discountedPurchases = new Float64Array(g);
  for (let k = 0; k < g; k++) {
    const x = groups.frequency[k];
    const tx = groups.recency[k];
    const T = groups.age[k];
    // P(alive) once (under Pareto/NBD a quadrature), times the purchases of each month given alive.
    pAlive[k] = model.probabilityAlive(params, x, tx, T);
    let previous = 0;
    let discount = 1;
    for (let m = 1; m <= horizonMonths; m++) {
      const cumulative = pAlive[k] * model.expectedPurchasesIfAlive(params, m * monthUnits, x, T);
      discount *= monthlyFactor;
      discountedPurchases[k] += (cumulative - previous) * discount;
      previous = cumulative;
    }
    expected[k] = previous;
    nextOrder[k] = medianWait(params, pAlive[k], x, T, horizonMonths * monthUnits);
  }
  for (let i = 0; i < n; i++) {
    const k = groups.groupOf[i];
    const aov = expectedOrderValue(gammaGamma, summary.frequency[i], summary.meanRepeatValue[i]);
    out.pAlive[i] = pAlive[k];
    out.expectedPurchases[i] = expected[k];
    out.nextOrderUnits[i] = nextOrder[k];
    out.predictedAov[i] = aov;
    out.clv[i] = aov * discountedPurchases[k];
  }
  return out;
}
