/**
 * Gamma-Gamma model of spend per order (Fader and Hardie 2013, "The Gamma-Gamma model of monetary value").
 * Order values of a customer are Gamma(p, nu) with nu ~ Gamma(q, gamma) across customers; the mean order value
 * is independent of the purchase process, so it pairs with BG/NBD. Only customers with repeat orders inform it.
 */
import { badInput } from '../../data/errors.ts';
import { lgamma } from './special.ts';
import { maximizePositive, type LikelihoodFit, type MinimizeOptions } from './optimize.ts';

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** Per customer x (repeat orders) and their mean value; a `CustomerSummary` fits. Rows with x = 0 are skipped. */
export interface SpendData {
  frequency: Float64Array;
  meanRepeatValue: Float64Array;
}

/** `customers`: those with repeat orders, the ones the fit used. */
export type GammaGammaFit = LikelihoodFit<GammaGammaParams>;

/** The repeat customers, as (x, log x, mean value, log mean value); x must be a whole number, a mean > 0. */
function repeaters(data: SpendData) {
  const keep: number[] = [];
  for (let i = 0; i < data.frequency.length; i++) {
    if (data.frequency[i] > 0) {
      if (!Number.isInteger(data.frequency[i])) throw badInput(`customer ${i}: frequency must be a whole number, got ${data.frequency[i]}`, { row: i });
      if (!(data.meanRepeatValue[i] > 0)) throw badInput(`customer ${i}: mean repeat-order value must be > 0, got ${data.meanRepeatValue[i]}`, { row: i });
      keep.push(i);
    }
  }
  const x = Float64Array.from(keep, (i) => data.frequency[i]);
  const m = Float64Array.from(keep, (i) => data.meanRepeatValue[i]);
  return { x, logX: x.map(Math.log), m, logM: m.map(Math.log), maxX: x.reduce((a, b) => Math.max(a, b), 0) };
}

type Repeaters = ReturnType<typeof repeaters>;

function logLikelihood({ p, q, gamma }: GammaGammaParams, d: Repeaters): number {
  // The gamma-function part depends on x only: once per x, not once per customer.
  const constant = q * Math.log(gamma) - lgamma(q);
  const gammas = new Float64Array(d.maxX + 1);
  for (let x = 1; x <= d.maxX; x++) gammas[x] = lgamma(p * x + q) - lgamma(p * x) + constant;
  let total = 0;
  for (let i = 0; i < d.x.length; i++) {
    const x = d.x[i];
    const px = p * x;
    total += gammas[x] + (px - 1) * d.logM[i] + px * d.logX[i] - (px + q) * Math.log(gamma + x * d.m[i]);
  }
  return total;
}

/**
 * Log-likelihood of the mean repeat-order values (FH 2013 eq. 4 in log space), over customers with x > 0.
 *
 * @example
 * // One customer, one repeat order of 2 with p = q = gamma = 1: density gamma / (gamma + 2)^2 = 1/9.
 * gammaGammaLogLikelihood({ p: 1, q: 1, gamma: 1 }, { frequency: Float64Array.of(1), meanRepeatValue: Float64Array.of(2) });
 * // Math.log(1 / 9)
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: SpendData): number {
  return logLikelihood(params, repeaters(data));
}

/**
 * Fits p, q, gamma by maximum likelihood on the repeat customers. Starts from p = 1, q = 2 and gamma at the
 * mean of the observed means (which makes the implied population mean p gamma / (q - 1) match it).
 *
 * @example
 * const fit = fitGammaGamma(summary); // fit.params = { p, q, gamma }, fit.converged
 */
export function fitGammaGamma(data: SpendData, options: MinimizeOptions = {}): GammaGammaFit {
  const d = repeaters(data);
  const n = d.x.length;
  if (n === 0) throw badInput('no customer has a repeat order: the Gamma-Gamma model needs some');
  const meanOfMeans = d.m.reduce((s, v) => s + v, 0) / n;
  const fit = maximizePositive((v) => logLikelihood({ p: v[0], q: v[1], gamma: v[2] }, d), [1, 2, meanOfMeans], {
    scale: n,
    names: ['p', 'q', 'gamma'],
    ...options,
  });
  const [p, q, gamma] = fit.params;
  return { ...fit, params: { p, q, gamma }, customers: n };
}

/**
 * E[mean order value | x, observed mean] (FH 2013 eq. 5): a weighted mix of the population mean
 * p gamma / (q - 1) and the customer's own mean, leaning on the latter as x grows. With x = 0 it is the population
 * mean. NaN when q <= 1 (the population mean is infinite).
 *
 * @example
 * expectedOrderValue({ p: 6.25, q: 3.74, gamma: 15.44 }, 0, 0); // 6.25 * 15.44 / 2.74 ~ 35.22
 */
export function expectedOrderValue(params: GammaGammaParams, x: number, meanValue: number): number {
  const { p, q, gamma } = params;
  if (q <= 1) return NaN;
  return (p * (gamma + x * meanValue)) / (p * x + q - 1);
}
