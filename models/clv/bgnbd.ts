/**
 * BG/NBD model of repeat purchases (Fader, Hardie and Lee 2005, "Counting your customers the easy way").
 * While alive a customer buys at Poisson rate lambda ~ Gamma(r, alpha); after each purchase they drop out with
 * probability p ~ Beta(a, b). Times are in the unit of the data (days or weeks).
 */
import { badInput } from '../../data/errors.ts';
import { logAddExp, logHyp2f1, hyp2f1 } from './special.ts';
import { maximizePositive, type LikelihoodFit, type MinimizeOptions } from './optimize.ts';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Per customer x (repeat purchases), t_x (recency) and T (age); a `CustomerSummary` fits. */
export interface RepeatData {
  frequency: Float64Array;
  recency: Float64Array;
  age: Float64Array;
}

export interface BgNbdFit extends LikelihoodFit<BgNbdParams> {
  /** a / (a + b): the mean chance that a customer drops out right after a repeat purchase. */
  dropoutPerPurchase: number;
  /** Sum of 1 - p_alive over the fitted customers: how many of them the fit believes have dropped out. */
  expectedDropouts: number;
  /** The fit found no dropout at all (see `NO_DROPOUT_BELOW`); `warning` then says what that means. */
  noDropout: boolean;
  warning?: string;
}

// BG/NBD nests the NBD (nobody ever drops out) as the limit a / (a + b) -> 0. When the data hold no more silence
// than gamma-spread Poisson buying explains, the likelihood keeps rising towards that limit and the search walks
// a -> 0 and/or b -> infinity until e^+-15 stops it; which of the two, and how far, is an accident of the path
// (the likelihood is flat along it), so neither a bound hit nor a cut on a / (a + b) is the test. What the fit
// means for customers is: sum(1 - p_alive) is how many of them it believes have dropped out, in the hundreds on
// CDNOW and ~1e-8 in that corner. Below one, the model has seen no customer leave and p_alive is ~1 for everyone.
const NO_DROPOUT_BELOW = 1;

/** Checks the data the likelihood assumes: integer x >= 0, 0 <= t_x <= T, t_x = 0 when x = 0. */
function validate(data: RepeatData): number {
  const { frequency, recency, age } = data;
  let maxX = 0;
  for (let i = 0; i < frequency.length; i++) {
    const x = frequency[i];
    const ok = Number.isInteger(x) && x >= 0 && recency[i] >= 0 && recency[i] <= age[i] + 1e-9 && (x > 0 || recency[i] === 0);
    if (!ok) throw badInput(`customer ${i}: need integer x >= 0 and 0 <= t_x <= T (t_x = 0 when x = 0); got x=${x}, t_x=${recency[i]}, T=${age[i]}`, { row: i });
    if (x > maxX) maxX = x;
  }
  return maxX;
}

/**
 * Customers with identical (x, t_x, T) share every BG/NBD quantity, and on day-grained data there are far fewer
 * groups than customers, and fewer distinct times still; the likelihood then takes one log per distinct time.
 */
export interface RepeatGroups extends RepeatData {
  /** Customers per group. */
  weight: Float64Array;
  /** Group of each input customer. */
  groupOf: Int32Array;
  /** The distinct values of t_x and T, and where each group's t_x and T sit among them. */
  times: Float64Array;
  recencyAt: Int32Array;
  ageAt: Int32Array;
}

/**
 * Collapses customers with the same (x, t_x, T) into weighted groups.
 *
 * @example
 * const g = groupRepeatData({ frequency: Float64Array.of(0, 0), recency: Float64Array.of(0, 0), age: Float64Array.of(5, 5) });
 * // g.weight = [2], g.groupOf = [0, 0], g.times = [0, 5]
 */
export function groupRepeatData(data: RepeatData): RepeatGroups {
  const n = data.frequency.length;
  const timeIndex = new Map<number, number>();
  const times: number[] = [];
  const timeAt = (t: number) => {
    let k = timeIndex.get(t);
    if (k === undefined) {
      timeIndex.set(t, (k = times.length));
      times.push(t);
    }
    return k;
  };
  const recencyAll = Int32Array.from(data.recency, timeAt);
  const ageAll = Int32Array.from(data.age, timeAt);
  // One small-integer-keyed map per age: numeric keys past 2^31 would be boxed and slow the lookups.
  const m = times.length;
  const byAge = Array.from({ length: m }, () => new Map<number, number>());
  const groupOf = new Int32Array(n);
  const first: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < n; i++) {
    const groups = byAge[ageAll[i]];
    const key = data.frequency[i] * m + recencyAll[i];
    let g = groups.get(key);
    if (g === undefined) {
      groups.set(key, (g = weight.length));
      first.push(i);
      weight.push(0);
    }
    weight[g]++;
    groupOf[i] = g;
  }
  return {
    frequency: Float64Array.from(first, (i) => data.frequency[i]),
    recency: Float64Array.from(first, (i) => data.recency[i]),
    age: Float64Array.from(first, (i) => data.age[i]),
    weight: Float64Array.from(weight),
    groupOf,
    times: Float64Array.from(times),
    recencyAt: Int32Array.from(first, (i) => recencyAll[i]),
    ageAt: Int32Array.from(first, (i) => ageAll[i]),
  };
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
  return logLikelihood(params, groupRepeatData(data), validate(data));
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
 * Fits r, alpha, a, b by maximum likelihood. Starts from r = 1, a = b = 1 and alpha matching the mean purchase
 * rate; check `converged` before trusting the result (the message says why not), and `noDropout`: then the fit
 * sits at the no-dropout limit and `warning` says so.
 *
 * @example
 * const fit = fitBgNbd(summary); // fit.params = { r, alpha, a, b }, fit.logLikelihood, fit.converged, fit.noDropout
 */
export function fitBgNbd(data: RepeatData, options: MinimizeOptions = {}): BgNbdFit {
  const maxX = validate(data);
  const n = data.frequency.length;
  if (n === 0) throw badInput('no customers to fit');
  let sumX = 0;
  let sumT = 0;
  for (let i = 0; i < n; i++) {
    sumX += data.frequency[i];
    sumT += data.age[i];
  }
  const alphaStart = Math.max(sumT, 1) / Math.max(sumX, 1);
  const groups = groupRepeatData(data);
  const fit = maximizePositive(
    (p) => logLikelihood({ r: p[0], alpha: p[1], a: p[2], b: p[3] }, groups, maxX),
    [1, alphaStart, 1, 1],
    { scale: n, names: ['r', 'alpha', 'a', 'b'], ...options },
  );
  const [r, alpha, a, b] = fit.params;
  const params = { r, alpha, a, b };
  const dropout = diagnoseDropout(params, groups);
  // With no dropout, a and b run towards the bound by design: the fit has reached the no-dropout limit, and
  // whether it stopped a hair inside or on the bound is the accident of the path, so it counts as converged if
  // it settled.
  const atLimit = dropout.noDropout && fit.settled && fit.atBound.length > 0 && fit.atBound.every((name) => name === 'a' || name === 'b');
  const converged = fit.converged || atLimit;
  const message = atLimit ? `converged to the no-dropout limit (${fit.atBound.join(', ')} ran to the search bound, a/(a+b) -> 0)` : fit.message;
  return { ...fit, converged, message, params, customers: n, ...dropout };
}

/** How much dropout a fit sees in its customers, and the warning when it sees none (see `NO_DROPOUT_BELOW`). */
function diagnoseDropout(params: BgNbdParams, groups: RepeatGroups): Pick<BgNbdFit, 'dropoutPerPurchase' | 'expectedDropouts' | 'noDropout' | 'warning'> {
  let customers = 0;
  let expectedDropouts = 0;
  for (let k = 0; k < groups.weight.length; k++) {
    customers += groups.weight[k];
    expectedDropouts += groups.weight[k] * (1 - probabilityAlive(params, groups.frequency[k], groups.recency[k], groups.age[k]));
  }
  const dropoutPerPurchase = params.a / (params.a + params.b);
  if (expectedDropouts >= NO_DROPOUT_BELOW) return { dropoutPerPurchase, expectedDropouts, noDropout: false };
  const warning =
    `BG/NBD found no dropout in this data (dropout probability per purchase a/(a+b) = ${dropoutPerPurchase.toExponential(1)}; ` +
    `customers it believes dropped out: ${expectedDropouts.toExponential(1)} of ${customers}): p_alive is ~1 for everyone, so treat ` +
    'CLV as an upper bound (most of all for customers who have gone quiet) and use the churn model for risk';
  return { dropoutPerPurchase, expectedDropouts, noDropout: true, warning };
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
  return ((c / (a - 1)) * (1 - scaled)) * probabilityAlive(params, x, recency, age);
}
