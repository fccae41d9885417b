/**
 * The outcome statistics of a campaign, treatment against control: pure functions over counts and typed arrays.
 * Rates: Wilson intervals per group, the difference with a Wald (unpooled) interval, and a two-sided
 * two-proportion z-test with the pooled standard error. Revenue: a seeded percentile bootstrap of each mean and
 * of the difference of means (README: "Campaigns: outcomes").
 */
import { seededRandom } from '../../data/random.ts';

export const STATS_DEFAULTS = { level: 0.95, resamples: 2000, seed: 1 } as const;

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf: absolute error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** The two-sided normal quantile of a confidence level (0.95 -> 1.959964), by bisection on normalCdf. */
export function zFor(level: number): number {
  const target = 1 - (1 - level) / 2;
  let lo = 0;
  let hi = 10;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export type Interval = [low: number, high: number];

/** Wilson score interval of a proportion: stays inside [0, 1] and behaves at 0 or n successes. */
export function wilson(successes: number, n: number, level: number = STATS_DEFAULTS.level): Interval {
  if (n === 0) return [Number.NaN, Number.NaN];
  const z = zFor(level);
  const p = successes / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export interface ProportionComparison {
  treatment: { rate: number; n: number; interval: Interval };
  control: { rate: number; n: number; interval: Interval };
  /** Uplift: treatment rate minus control rate. */
  difference: number;
  interval: Interval;
  z: number;
  p_value: number;
  significant: boolean;
}

/**
 * Treatment against control on a yes/no outcome.
 *
 * @example
 * compareProportions({ successes: 40, n: 100 }, { successes: 25, n: 100 }); // difference 0.15, p ~ 0.023
 */
export function compareProportions(treatment: { successes: number; n: number }, control: { successes: number; n: number }, level: number = STATS_DEFAULTS.level): ProportionComparison {
  const p1 = treatment.n ? treatment.successes / treatment.n : Number.NaN;
  const p2 = control.n ? control.successes / control.n : Number.NaN;
  const pooled = (treatment.successes + control.successes) / (treatment.n + control.n);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / treatment.n + 1 / control.n));
  const seDiff = Math.sqrt((p1 * (1 - p1)) / treatment.n + (p2 * (1 - p2)) / control.n);
  const diff = p1 - p2;
  // No variation at all (both 0% or both 100%): no evidence of a difference.
  const z = sePooled > 0 ? diff / sePooled : 0;
  const pValue = Number.isFinite(z) ? 2 * (1 - normalCdf(Math.abs(z))) : Number.NaN;
  const q = zFor(level);
  return {
    treatment: { rate: p1, n: treatment.n, interval: wilson(treatment.successes, treatment.n, level) },
    control: { rate: p2, n: control.n, interval: wilson(control.successes, control.n, level) },
    difference: diff,
    interval: [diff - q * seDiff, diff + q * seDiff],
    z,
    p_value: pValue,
    significant: pValue < 1 - level,
  };
}

const mean = (values: Float64Array) => {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return values.length ? sum / values.length : Number.NaN;
};

/** The mean of a resample with replacement of `values`. */
function resampledMean(values: Float64Array, next: () => number): number {
  let sum = 0;
  const n = values.length;
  for (let i = 0; i < n; i++) sum += values[Math.floor(next() * n)];
  return sum / n;
}

/** The `q` quantile of sorted values (linear interpolation). */
function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export interface MeanComparison {
  treatment: { mean: number; n: number; interval: Interval };
  control: { mean: number; n: number; interval: Interval };
  difference: number;
  interval: Interval;
  /** The interval of the difference leaves out 0. */
  significant: boolean;
  resamples: number;
  seed: number;
}

/**
 * Treatment against control on a per-customer amount (revenue): percentile bootstrap, each group resampled on
 * its own, the same seeded draws every time.
 *
 * @example
 * compareMeans(Float64Array.of(10, 0, 30), Float64Array.of(0, 0, 10), { resamples: 2000, seed: 1 });
 */
export function compareMeans(treatment: Float64Array, control: Float64Array, options: { level?: number; resamples?: number; seed?: number } = {}): MeanComparison {
  const level = options.level ?? STATS_DEFAULTS.level;
  const resamples = options.resamples ?? STATS_DEFAULTS.resamples;
  const seed = options.seed ?? STATS_DEFAULTS.seed;
  const next = seededRandom(seed);
  const t = new Float64Array(resamples);
  const c = new Float64Array(resamples);
  const d = new Float64Array(resamples);
  const usable = treatment.length > 0 && control.length > 0;
  for (let b = 0; usable && b < resamples; b++) {
    t[b] = resampledMean(treatment, next);
    c[b] = resampledMean(control, next);
    d[b] = t[b] - c[b];
  }
  const alpha = (1 - level) / 2;
  const interval = (draws: Float64Array): Interval => {
    if (!usable) return [Number.NaN, Number.NaN];
    const sorted = Float64Array.from(draws).sort();
    return [quantile(sorted, alpha), quantile(sorted, 1 - alpha)];
  };
  const diffInterval = interval(d);
  return {
    treatment: { mean: mean(treatment), n: treatment.length, interval: interval(t) },
    control: { mean: mean(control), n: control.length, interval: interval(c) },
    difference: mean(treatment) - mean(control),
    interval: diffInterval,
    significant: usable && (diffInterval[0] > 0 || diffInterval[1] < 0),
    resamples,
    seed,
  };
}
