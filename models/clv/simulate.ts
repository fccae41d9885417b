/**
 * Transactions drawn from the BG/NBD + Gamma-Gamma story itself, for checking that the fits recover known
 * parameters (tests) and for timing them at scale (bench). Seeded: same options, same data.
 */
import { Random } from '../../data/random.ts';
import type { BgNbdParams } from './bgnbd.ts';
import type { GammaGammaParams } from './gammagamma.ts';
import { DAY_MS, dateOfDay } from '../../data/dates.ts';
import { UNIT_DAYS, type TimeUnit, type TransactionArrays } from './summary.ts';

export interface SimulateOptions {
  customers: number;
  seed: number;
  /** True purchase-process parameters, in `unit`. */
  bgnbd: BgNbdParams;
  /** True spend parameters. */
  gammaGamma: GammaGammaParams;
  unit?: TimeUnit;
  /** First purchases fall uniformly on days [0, cohortDays) after 1970-01-01. Default 84 (12 weeks). */
  cohortDays?: number;
  /** Observation ends before this day (exclusive). Default 273 (39 weeks). */
  endDay?: number;
}


/** Gamma(shape, rate) by Marsaglia and Tsang (2000), with the u^(1/shape) boost for shape < 1. */
function gamma(rng: Random, shape: number, rate: number): number {
  if (shape < 1) return gamma(rng, shape + 1, rate) * Math.pow(1 - rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = rng.normal();
    const v = (1 + c * z) ** 3;
    if (v <= 0) continue;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

/**
 * Simulates each customer's first purchase, Poisson(lambda) repeat purchases with a dropout coin of
 * probability p after each repeat, and Gamma(p, nu) order values; returns the lines and the cutoff date.
 *
 * @example
 * const { tx, asOf } = simulateTransactions({ customers: 1000, seed: 1,
 *   bgnbd: { r: 0.25, alpha: 4, a: 0.8, b: 2.5 }, gammaGamma: { p: 6, q: 4, gamma: 15 } });
 */
export function simulateTransactions(options: SimulateOptions): { tx: TransactionArrays; asOf: string } {
  const { r, alpha, a, b } = options.bgnbd;
  const spend = options.gammaGamma;
  const unitDays = UNIT_DAYS[options.unit ?? 'week'];
  const cohortDays = options.cohortDays ?? 84;
  const endDay = options.endDay ?? 273;
  const rng = new Random(options.seed);
  const customerIds: string[] = [];
  const timesMs: number[] = [];
  const amounts: number[] = [];
  for (let c = 0; c < options.customers; c++) {
    const id = `c${c}`;
    const lambdaPerDay = gamma(rng, r, alpha) / unitDays;
    const pa = gamma(rng, a, 1);
    const dropout = pa / (pa + gamma(rng, b, 1));
    const nu = gamma(rng, spend.q, spend.gamma);
    const buy = (day: number) => {
      customerIds.push(id);
      timesMs.push(day * DAY_MS);
      // Cent amounts, never zero, as a till would record them.
      amounts.push(Math.max(0.01, Math.round(gamma(rng, spend.p, nu) * 100) / 100));
    };
    let day = rng.next() * cohortDays;
    buy(day);
    for (;;) {
      day += rng.exponential(1 / lambdaPerDay);
      if (!(day < endDay)) break;
      buy(day);
      // The dropout coin comes after each repeat purchase, never after the first (BG/NBD's convention).
      if (rng.chance(dropout)) break;
    }
  }
  return { tx: { customerIds, timesMs: Float64Array.from(timesMs), amounts: Float64Array.from(amounts) }, asOf: dateOfDay(endDay) };
}
