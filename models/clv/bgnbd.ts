/**
 * BG/NBD model of repeat purchases (Fader, Hardie and Lee 2005, "Counting your customers the easy way").
 * While alive a customer buys at Poisson rate lambda ~ Gamma(r, alpha); after each purchase they drop out with
 * probability p ~ Beta(a, b). Times are in the unit of the data (days or weeks).
 */
import type { MinimizeOptions } from './optimize.ts';
import { fitPurchaseModel, type PurchaseFit, type PurchaseModel } from './purchase.ts';
import { groupRepeatData, validateRepeatData, type RepeatData, type RepeatGroups } from './repeat-data.ts';
import { logAddExp, logHyp2f1, hyp2f1 } from './special.ts';

export type { RepeatData } from './repeat-data.ts';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface BgNbdFit extends PurchaseFit<BgNbdParams> {
  /** a / (a + b): the mean chance that a customer drops out right after a repeat purchase. */
  dropoutPerPurchase: number;
}

/**
 * Total log-likelihood of the data (FHL 2005 eq. 6, in log space).
 *
 * @example
 * // One customer, no repeats, T = 2: the likelihood is (alpha / (alpha + T))^r.
 * bgnbdLogLikelihood({ r: 1, alpha: 2, a: 1, b: 1 }, { frequency: Float64Array.of(0), recency: Float64Array.of(0), age: Float64Array.of(2) });
 * // Math.log(0.5)
 */
export function bgnbdLogLikelihood(params: BgNbdParams, data: RepeatData): number {
  return logLikelihood(params, groupRepeatData(data), validateRepeatData(data));
}

function logLikelihood(params: BgNbdParams, data: RepeatGroups, maxX: number): number {
  const { r, alpha, a, b } = params;
  // The gamma-function ratios depend on x only: running sums of logs, once per x.
  // base[x] = log[Gamma(r+x) alpha^r / Gamma(r)] + log[B(a, b+x) / B(a, b)]; dropTerm[x] = log[a / (b+x-1)].
  const base = new Float64Array(maxX + 1);
  const dropTerm = new Float64Array(maxX + 1);
  base[0] = r * Math.log(alpha);
  for (let x = 1; x <= maxX; x++) {
    base[x] = base[x - 1] + Math.log(r + x - 1) + Math.log(b + x - 1) - Math.log(a + b + x - 1);
    dropTerm[x] = Math.log(a) - Math.log(b + x - 1);
  }
  const logTime = data.times.map((t) => Math.log(alpha + t));
  const { frequency, recencyAt, ageAt, weight } = data;
  let total = 0;
  for (let i = 0; i < frequency.length; i++) {
    const x = frequency[i];
    const stillAlive = -(r + x) * logTime[ageAt[i]];
    const ll = x > 0 ? logAddExp(stillAlive, dropTerm[x] - (r + x) * logTime[recencyAt[i]]) : stillAlive;
    total += (base[x] + ll) * weight[i];
  }
  return total;
}

/**
 * Fits r, alpha, a, b by maximum likelihood (purchase.ts). Starts from r = 1, a = b = 1 and alpha matching the
 * mean purchase rate; check `converged` before trusting the result, and `noDropout`.
 *
 * @example
 * const fit = fitBgNbd(summary); // fit.params = { r, alpha, a, b }, fit.logLikelihood, fit.converged, fit.noDropout
 */
export function fitBgNbd(data: RepeatData, options: MinimizeOptions = {}): BgNbdFit {
  const fit = fitPurchaseModel(BG_NBD, data, options);
  return { ...fit, dropoutPerPurchase: fit.params.a / (fit.params.a + fit.params.b) };
}

/**
 * P(alive | x, t_x, T) (FHL 2005 eq. 11 rearranged). A customer with no repeat purchase has not yet had a chance
 * to drop out, so it is 1 for them under BG/NBD.
 *
 * @example
 * probabilityAlive({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 2, 30.43, 38.86); // ~0.72
 */
export function probabilityAlive(params: BgNbdParams, x: number, recency: number, age: number): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = params;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + age) - Math.log(alpha + recency));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * Expected purchases in the next `t` units given x, t_x, T (FHL 2005 eq. 10), via 2F1 in log space.
 *
 * @example
 * expectedPurchases({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 39, 2, 30.43, 38.86); // ~1.2
 */
export function expectedPurchases(params: BgNbdParams, t: number, x: number, recency: number, age: number): number {
  return probabilityAlive(params, x, recency, age) * purchaseTerm(params, t, x, age);
}

/**
 * FHL 2005 eq. 10 without its P(alive) factor: (a+b+x-1)/(a-1) [1 - (1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z)],
 * z = t / (alpha + T + t). MBG/NBD's expectation is this with b + 1 in place of b.
 */
export function purchaseTerm(params: BgNbdParams, t: number, x: number, age: number): number {
  if (t <= 0) return 0;
  const { r, alpha, b } = params;
  // eq. 10 has a removable singularity at a = 1; stepping off it changes the answer far below print precision.
  const a = Math.abs(params.a - 1) < 1e-7 ? 1 + 1e-7 : params.a;
  const c = a + b + x - 1;
  const z = t / (alpha + age + t);
  // (1 - z)^(r+x) 2F1(r+x, b+x; c; z): its log is well defined while c > 0, which is every case but x = 0 with
  // a + b < 1, where we take the series as it comes.
  const scaled =
    c > 0
      ? Math.exp((r + x) * Math.log1p(-z) + logHyp2f1(r + x, b + x, c, z))
      : Math.pow(1 - z, r + x) * hyp2f1(r + x, b + x, c, z);
  return (c / (a - 1)) * (1 - scaled);
}

/** How the search moves r, alpha, a, b (as they are, from r = a = b = 1); MBG/NBD shares it. */
export const BETA_GEOMETRIC_SEARCH: Pick<PurchaseModel<BgNbdParams>, 'searchNames' | 'fromSearch' | 'start'> = {
  searchNames: ['r', 'alpha', 'a', 'b'],
  fromSearch: ([r, alpha, a, b]) => ({ r, alpha, a, b }),
  start: (alpha) => [1, alpha, 1, 1],
};

/** BG/NBD in the shape model selection fits and compares (purchase.ts). */
export const BG_NBD: PurchaseModel<BgNbdParams> = {
  name: 'bgnbd',
  label: 'BG/NBD',
  ...BETA_GEOMETRIC_SEARCH,
  logLikelihood,
  probabilityAlive,
  expectedPurchases,
  expectedPurchasesIfAlive: purchaseTerm,
};
