/**
 * Risk bands that mean the same on any data: they are set against the base rate (the share of training
 * customers who churned), not at fixed probabilities, which put 82% of the demo in "high" when most demo
 * customers lapse anyway.
 * - high: calibrated risk at least `highLift` (2) times the base rate ("at least twice as likely to leave as the
 *   average customer"); when that is out of reach (base rate 50% or more) halfway from the base rate to
 *   certainty. And never more than `maxHighShare` (a third) of customers: when more of the training rows'
 *   out-of-fold risks pass, the threshold rises to the risk at that rank.
 * - medium: at least `mediumLift` (1) times the base rate, i.e. above average; low: below average.
 * The thresholds are fixed when the model is trained and saved with it, so scoring and evaluation agree.
 */

export type RiskBand = 'high' | 'medium' | 'low';

export const BANDS: RiskBand[] = ['high', 'medium', 'low'];

export interface RiskBands {
  /** Lowest probability in "high". */
  high: number;
  /** Lowest probability in "medium". */
  medium: number;
  /** The training rows' churn rate the thresholds are set against. */
  baseRate: number;
  /** How the thresholds were set, in words. */
  rule: string;
}

export interface BandOptions {
  highLift?: number;
  mediumLift?: number;
  maxHighShare?: number;
}

export const BAND_DEFAULTS: Required<BandOptions> = { highLift: 2, mediumLift: 1, maxHighShare: 1 / 3 };

/** Format 2 models scored with fixed thresholds; they keep them. */
export const LEGACY_BANDS: RiskBands = { high: 0.5, medium: 0.25, baseRate: NaN, rule: 'fixed: high >= 0.5, medium >= 0.25 (format 2)' };

/**
 * Thresholds from the base rate and the (calibrated, out-of-fold) risks of the training rows.
 *
 * @example
 * fitBands(Float64Array.of(0.1, 0.2, 0.7), 0.25); // { high: 0.5, medium: 0.25, ... }
 */
export function fitBands(risks: Float64Array, baseRate: number, options: BandOptions = {}): RiskBands {
  const { highLift, mediumLift, maxHighShare } = { ...BAND_DEFAULTS, ...options };
  const byLift = highLift * baseRate;
  let high = byLift < 1 ? byLift : (1 + baseRate) / 2;
  let rule = byLift < 1 ? `high >= ${highLift} x base rate` : 'high >= halfway from the base rate to 1';
  const sorted = Float64Array.from(risks).sort().reverse();
  const cap = Math.floor(maxHighShare * sorted.length);
  if (cap < sorted.length && sorted.filter((p) => p >= high).length > cap) {
    // The smallest threshold that lets at most `cap` rows in: just above the risk at rank cap + 1.
    high = sorted[cap] + 1e-12;
    rule += `, raised to keep at most ${Math.round(maxHighShare * 100)}% of customers high`;
  }
  const medium = Math.min(high, mediumLift * baseRate);
  return { high, medium, baseRate, rule: `${rule}; medium >= ${mediumLift} x base rate (base rate ${(baseRate * 100).toFixed(1)}%)` };
}

/**
 * @example
 * riskBand(0.3, bands); // 'medium'
 */
export function riskBand(probability: number, bands: RiskBands): RiskBand {
  return probability >= bands.high ? 'high' : probability >= bands.medium ? 'medium' : 'low';
}

export interface BandRow {
  band: RiskBand;
  count: number;
  share: number;
  churned: number;
  churnRate: number;
  /** Churn rate in the band over the churn rate of all rows. */
  lift: number;
}

/**
 * Each band's share of the rows, churn rate and lift: how well the bands separate on labelled (held-out) rows.
 *
 * @example
 * bandTable(model.predict(test.rows), test.labels, bands)[0]; // { band: 'high', share: 0.12, churnRate: 0.61, lift: 2.3, ... }
 */
export function bandTable(probabilities: Float64Array, labels: Float64Array, bands: RiskBands): BandRow[] {
  const overall = labels.reduce((s, y) => s + y, 0) / labels.length;
  return BANDS.map((band) => {
    let count = 0;
    let churned = 0;
    probabilities.forEach((p, i) => {
      if (riskBand(p, bands) === band) {
        count++;
        churned += labels[i];
      }
    });
    const churnRate = count ? churned / count : NaN;
    return { band, count, share: count / labels.length, churned, churnRate, lift: churnRate / overall };
  });
}
