/**
 * MBG/NBD (Batislam, Denizel and Filiztekin 2007): BG/NBD where the dropout coin is also tossed right after the
 * first purchase, so a one-time buyer can have left too. Under BG/NBD every one-time buyer is alive for sure and
 * is predicted to buy at the population rate however long they have been silent; here their P(alive) falls
 * with silence like everyone else's. Parameters and likelihood as in lifetimes' ModifiedBetaGeoFitter.
 */
import { BETA_GEOMETRIC_SEARCH, purchaseTerm, type BgNbdParams } from './bgnbd.ts';
import type { PurchaseModel } from './purchase.ts';
import type { RepeatGroups } from './repeat-data.ts';
import { logAddExp } from './special.ts';

/** The same four parameters as BG/NBD: lambda ~ Gamma(r, alpha), dropout chance p ~ Beta(a, b). */
export type MbgNbdParams = BgNbdParams;

function logLikelihood(params: MbgNbdParams, data: RepeatGroups, maxX: number): number {
  const { r, alpha, a, b } = params;
  // base[x] = log[Gamma(r+x) alpha^r / Gamma(r)] + log[B(a, b+x+1) / B(a, b)], as running sums over x.
  const base = new Float64Array(maxX + 1);
  base[0] = r * Math.log(alpha) + Math.log(b) - Math.log(a + b);
  for (let x = 1; x <= maxX; x++) base[x] = base[x - 1] + Math.log(r + x - 1) + Math.log(b + x) - Math.log(a + b + x);
  const logTime = data.times.map((t) => Math.log(alpha + t));
  const logA = Math.log(a);
  const { frequency, recencyAt, ageAt, weight } = data;
  let total = 0;
  for (let i = 0; i < frequency.length; i++) {
    const x = frequency[i];
    const stillAlive = -(r + x) * logTime[ageAt[i]];
    const droppedOut = logA - Math.log(b + x) - (r + x) * logTime[recencyAt[i]];
    total += (base[x] + logAddExp(stillAlive, droppedOut)) * weight[i];
  }
  return total;
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + a / (b + x) ((alpha + T) / (alpha + t_x))^(r + x)), for x = 0 too.
 *
 * @example
 * probabilityAlive({ r: 1, alpha: 1, a: 1, b: 1 }, 0, 0, 1); // 1 / (1 + 2) = 1/3
 */
export function probabilityAlive(params: MbgNbdParams, x: number, recency: number, age: number): number {
  const { r, alpha, a, b } = params;
  const logOdds = Math.log(a) - Math.log(b + x) + (r + x) * (Math.log(alpha + age) - Math.log(alpha + recency));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * E[purchases in the next t | x, t_x, T]: BG/NBD's expression with b + 1 for b, times this model's P(alive).
 *
 * @example
 * expectedPurchases({ r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 }, 39, 2, 30.43, 38.86);
 */
export function expectedPurchases(params: MbgNbdParams, t: number, x: number, recency: number, age: number): number {
  return probabilityAlive(params, x, recency, age) * expectedPurchasesIfAlive(params, t, x, age);
}

function expectedPurchasesIfAlive(params: MbgNbdParams, t: number, x: number, age: number): number {
  return purchaseTerm({ ...params, b: params.b + 1 }, t, x, age);
}

export const MBG_NBD: PurchaseModel<MbgNbdParams> = {
  name: 'mbgnbd',
  label: 'MBG/NBD',
  ...BETA_GEOMETRIC_SEARCH,
  logLikelihood,
  probabilityAlive,
  expectedPurchases,
  expectedPurchasesIfAlive,
};
