/**
 * Derivative-free minimisation for the small, smooth likelihoods of the lifetime-value models (3-4 parameters
 * on a log scale). Nelder-Mead needs no gradients, shrugs off the odd non-finite value, and with a restart
 * from its own answer it does not stall on a collapsed simplex.
 */

export interface MinimizeOptions {
  /** Iteration budget across all restarts. Default 5000. */
  maxIterations?: number;
  /** The simplex has settled when its vertices differ by at most this in every coordinate. Default 1e-6. */
  xTolerance?: number;
  /** ... and by at most this times (1 + |f|) in value. Default 1e-12. */
  fTolerance?: number;
  /** Edge of the starting simplex along each axis. Default 0.5 (a factor e^0.5 on a log scale). */
  initialStep?: number;
  /** Box bounds; points outside count as +Infinity so the search turns back. Default unbounded. */
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
}

export interface MinimizeResult {
  x: Float64Array;
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** Why the search stopped, in words. */
  message: string;
}

/** A maximum-likelihood fit of a model with parameters P, as the CLV models report it. */
export interface LikelihoodFit<P> {
  params: P;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  evaluations: number;
  message: string;
  /** Customers the fit used. */
  customers: number;
}

const DEFAULTS = { maxIterations: 5000, xTolerance: 1e-6, fTolerance: 1e-12, initialStep: 0.5 };
// A settled run that a local probe can still improve is restarted from the better point, this many times at most.
const MAX_RESTARTS = 4;

/**
 * Minimises `f` from `start` with the Nelder-Mead simplex (adaptive coefficients of Gao and Han 2012, which
 * behave better than the classic ones as the dimension grows), checked by a local probe before it is accepted.
 *
 * @example
 * const { x, converged } = minimize((p) => (p[0] - 1) ** 2 + (p[1] + 2) ** 2, [0, 0]);
 * // x ~ [1, -2], converged === true
 */
export function minimize(f: (x: Float64Array) => number, start: ArrayLike<number>, options: MinimizeOptions = {}): MinimizeResult {
  const { maxIterations, xTolerance, fTolerance, initialStep } = { ...DEFAULTS, ...options };
  const n = start.length;
  const { lower, upper } = options;
  let evaluations = 0;
  const objective = (x: Float64Array): number => {
    evaluations++;
    for (let j = 0; j < n; j++) {
      if ((lower && x[j] < lower[j]) || (upper && x[j] > upper[j])) return Infinity;
    }
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  };

  let best: Float64Array = Float64Array.from(start);
  let bestValue = objective(best);
  if (!Number.isFinite(bestValue)) {
    return { x: best, value: bestValue, iterations: 0, evaluations, converged: false, message: 'objective is not finite at the starting point' };
  }
  let iterations = 0;
  for (let restart = 0; restart <= MAX_RESTARTS; restart++) {
    const run = simplexSearch(objective, best, bestValue, { maxIterations: maxIterations - iterations, xTolerance, fTolerance, initialStep });
    iterations += run.iterations;
    best = run.x;
    bestValue = run.value;
    if (!run.settled) {
      return { x: best, value: bestValue, iterations, evaluations, converged: false, message: `iteration limit (${maxIterations}) reached before the simplex settled` };
    }
    // A simplex can settle on a ridge short of the minimum. As in O'Neill's AS 47, probe a small step either way
    // along each axis: if nothing is lower we accept, else we restart from the better point.
    const probe = probeAround(objective, best, bestValue, PROBE_STEP);
    if (!probe) return { x: best, value: bestValue, iterations, evaluations, converged: true, message: 'converged (no lower point on a local probe)' };
    best = probe.x;
    bestValue = probe.value;
  }
  return { x: best, value: bestValue, iterations, evaluations, converged: false, message: `still improving after ${MAX_RESTARTS} restarts` };
}

const PROBE_STEP = 1e-3;

/** The first point ±step along an axis that is lower than `value` by more than rounding, if any. */
function probeAround(f: (x: Float64Array) => number, x: Float64Array, value: number, step: number) {
  const margin = 1e-14 * (1 + Math.abs(value));
  for (let j = 0; j < x.length; j++) {
    for (const sign of [1, -1]) {
      const p = Float64Array.from(x);
      p[j] += sign * step;
      const v = f(p);
      if (v < value - margin) return { x: p, value: v };
    }
  }
  return undefined;
}

interface SearchOptions {
  maxIterations: number;
  xTolerance: number;
  fTolerance: number;
  initialStep: number;
}

/** One Nelder-Mead run from a fresh simplex around `x0`. */
function simplexSearch(f: (x: Float64Array) => number, x0: Float64Array, f0: number, options: SearchOptions) {
  const n = x0.length;
  const alpha = 1;
  const beta = 1 + 2 / n;
  const gamma = 0.75 - 1 / (2 * n);
  const delta = 1 - 1 / n;

  const points: Float64Array[] = [Float64Array.from(x0)];
  const values: number[] = [f0];
  for (let i = 0; i < n; i++) {
    const p = Float64Array.from(x0);
    p[i] += options.initialStep;
    let v = f(p);
    // A start against a bound: step the other way so the simplex is not born with an infinite corner.
    if (!Number.isFinite(v)) {
      p[i] = x0[i] - options.initialStep;
      v = f(p);
    }
    points.push(p);
    values.push(v);
  }
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Float64Array(n);
  const trial = (from: Float64Array, towards: Float64Array, t: number) => {
    const p = new Float64Array(n);
    for (let j = 0; j < n; j++) p[j] = from[j] + t * (towards[j] - from[j]);
    return p;
  };

  let iterations = 0;
  let settled = false;
  while (iterations < options.maxIterations) {
    order.sort((i, j) => values[i] - values[j]);
    const bestI = order[0];
    const worstI = order[n];
    if (settledAt(points, values, bestI, options)) {
      settled = true;
      break;
    }
    iterations++;
    centroid.fill(0);
    for (let k = 0; k < n; k++) {
      const p = points[order[k]];
      for (let j = 0; j < n; j++) centroid[j] += p[j] / n;
    }
    const worst = points[worstI];
    const reflected = trial(centroid, worst, -alpha);
    const fr = f(reflected);
    const secondWorst = values[order[n - 1]];
    if (fr < values[bestI]) {
      const expanded = trial(centroid, worst, -alpha * beta);
      const fe = f(expanded);
      if (fe < fr) replace(expanded, fe);
      else replace(reflected, fr);
    } else if (fr < secondWorst) {
      replace(reflected, fr);
    } else {
      const outside = fr < values[worstI];
      const contracted = outside ? trial(centroid, worst, -alpha * gamma) : trial(centroid, worst, gamma);
      const fc = f(contracted);
      if (fc < (outside ? fr : values[worstI])) replace(contracted, fc);
      else {
        const bestP = points[bestI];
        for (let k = 1; k <= n; k++) {
          const i = order[k];
          points[i] = trial(bestP, points[i], delta);
          values[i] = f(points[i]);
        }
      }
    }
    function replace(p: Float64Array, v: number) {
      points[worstI] = p;
      values[worstI] = v;
    }
  }
  order.sort((i, j) => values[i] - values[j]);
  return { x: points[order[0]], value: values[order[0]], iterations, settled };
}

/** Has the simplex shrunk to a point, in x and in f? */
function settledAt(points: Float64Array[], values: number[], bestI: number, options: SearchOptions): boolean {
  const bestP = points[bestI];
  const fScale = options.fTolerance * (1 + Math.abs(values[bestI]));
  for (let i = 0; i < points.length; i++) {
    if (i === bestI) continue;
    if (!(Math.abs(values[i] - values[bestI]) <= fScale)) return false;
    for (let j = 0; j < bestP.length; j++) if (Math.abs(points[i][j] - bestP[j]) > options.xTolerance) return false;
  }
  return true;
}

export interface PositiveFit {
  /** The maximising parameters, on their natural (positive) scale. */
  params: Float64Array;
  /** The maximised log-likelihood. */
  logLikelihood: number;
  /** The search settled inside the bound. */
  converged: boolean;
  /** The search settled, inside the bound or on it. */
  settled: boolean;
  /** The parameters (by name) that ended on the search bound. */
  atBound: string[];
  iterations: number;
  evaluations: number;
  message: string;
}

// e^±15 spans every sensible rate, shape and scale in day or week units; a fit that ends there has no interior
// maximum (e.g. no sign of dropout pushes a and b to infinity), which we report rather than hide.
const LOG_BOUND = 15;

/**
 * Maximises a log-likelihood over strictly positive parameters by minimising -logLik / scale over their logs,
 * inside [e^-15, e^15] (or a lower maximum given per parameter). An optimum on a bound is reported as not converged.
 *
 * @example
 * // Exponential rate from mean 2: logLik = n log(l) - l * sum
 * const fit = maximizePositive((p) => 10 * Math.log(p[0]) - p[0] * 20, [1], { scale: 10 }); // params[0] ~ 0.5
 */
export function maximizePositive(
  logLik: (params: Float64Array) => number,
  start: ArrayLike<number>,
  options: MinimizeOptions & { scale?: number; names?: string[]; maxima?: ArrayLike<number> } = {},
): PositiveFit {
  const n = start.length;
  const scale = options.scale ?? 1;
  const params = new Float64Array(n);
  const toParams = (theta: Float64Array) => {
    for (let j = 0; j < n; j++) params[j] = Math.exp(theta[j]);
    return params;
  };
  const logStart = Float64Array.from(start, (v) => Math.log(v));
  const lower = new Float64Array(n).fill(-LOG_BOUND);
  const upper = Float64Array.from({ length: n }, (_, j) => (options.maxima?.[j] ? Math.log(options.maxima[j]) : LOG_BOUND));
  const result = minimize((theta) => -logLik(toParams(theta)) / scale, logStart, { lower, upper, ...options });
  const atBound = [...result.x].flatMap((t, j) => (t < -LOG_BOUND + 1e-3 || t > upper[j] - 1e-3 ? [options.names?.[j] ?? `parameter ${j}`] : []));
  const out = Float64Array.from(result.x, Math.exp);
  return {
    params: out,
    logLikelihood: -result.value * scale,
    converged: result.converged && atBound.length === 0,
    settled: result.converged,
    atBound,
    iterations: result.iterations,
    evaluations: result.evaluations,
    message: atBound.length ? `${atBound.join(', ')} ran to the search bound (no interior maximum)` : result.message,
  };
}
