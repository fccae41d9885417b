/**
 * Probability calibration fitted on the validation split: Platt scaling (a logistic curve over the logit) and
 * isotonic regression (a monotone step function). Both are plain JSON so they travel with the model.
 */
import { logLoss } from './metrics.ts';

export type Calibrator =
  | { kind: 'none' }
  | { kind: 'platt'; slope: number; intercept: number }
  | { kind: 'isotonic'; thresholds: number[]; values: number[] };

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const logit = (p: number) => {
  const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
  return Math.log(q / (1 - q));
};

/**
 * One-feature logistic regression by Newton's method: p = sigmoid(slope * x + intercept). A tiny ridge keeps
 * separable data finite. Used for Platt scaling and for the single-feature baselines.
 *
 * @example
 * const { slope, intercept } = fitLogistic1D(Float64Array.of(-2, -1, 1, 2), Float64Array.of(0, 1, 0, 1));
 */
export function fitLogistic1D(x: Float64Array, y: Float64Array, options: { iterations?: number; ridge?: number } = {}): { slope: number; intercept: number } {
  const ridge = options.ridge ?? 1e-6;
  let a = 0;
  let b = 0;
  for (let iter = 0; iter < (options.iterations ?? 50); iter++) {
    let ga = ridge * a;
    let gb = 0;
    let haa = ridge;
    let hab = 0;
    let hbb = 1e-12;
    for (let i = 0; i < x.length; i++) {
      const p = sigmoid(a * x[i] + b);
      const w = p * (1 - p);
      ga += (p - y[i]) * x[i];
      gb += p - y[i];
      haa += w * x[i] * x[i];
      hab += w * x[i];
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-10) break;
  }
  return { slope: a, intercept: b };
}

/**
 * Pool-adjacent-violators: the non-decreasing step function closest (least squares) to the labels in score order.
 *
 * @example
 * fitIsotonic(Float64Array.of(0.1, 0.2, 0.3), Float64Array.of(0, 1, 0)); // values [0, 0.5]
 */
export function fitIsotonic(scores: Float64Array, labels: Float64Array): Extract<Calibrator, { kind: 'isotonic' }> {
  const order = Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b]);
  const blocks: { upper: number; sum: number; count: number }[] = [];
  for (const i of order) {
    blocks.push({ upper: scores[i], sum: labels[i], count: 1 });
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1];
      const prev = blocks[blocks.length - 2];
      // Equal scores must land in one block, or the step function would depend on input order.
      if (prev.sum / prev.count < last.sum / last.count && prev.upper !== last.upper) break;
      prev.sum += last.sum;
      prev.count += last.count;
      prev.upper = last.upper;
      blocks.pop();
    }
  }
  return { kind: 'isotonic', thresholds: blocks.map((b) => b.upper), values: blocks.map((b) => b.sum / b.count) };
}

/**
 * Applies a calibrator to raw probabilities.
 *
 * @example
 * applyCalibrator({ kind: 'platt', slope: 1, intercept: 0 }, Float64Array.of(0.3)); // [0.3]
 */
export function applyCalibrator(calibrator: Calibrator, probabilities: Float64Array): Float64Array {
  if (calibrator.kind === 'none') return Float64Array.from(probabilities);
  if (calibrator.kind === 'platt') return probabilities.map((p) => sigmoid(calibrator.slope * logit(p) + calibrator.intercept));
  const { thresholds, values } = calibrator;
  // Isotonic output is clipped away from 0 and 1: an empty-looking block must not give an infinite log loss.
  return probabilities.map((p) => {
    let lo = 0;
    let hi = thresholds.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (thresholds[mid] < p) lo = mid + 1;
      else hi = mid;
    }
    return Math.min(1 - 1e-4, Math.max(1e-4, values[lo]));
  });
}

function fitKind(kind: 'platt' | 'isotonic', probabilities: Float64Array, labels: Float64Array): Calibrator {
  return kind === 'platt' ? { kind, ...fitLogistic1D(probabilities.map(logit), labels) } : fitIsotonic(probabilities, labels);
}

/**
 * Chooses calibration on the validation split: Platt, isotonic or none, whichever gives the lowest log loss.
 * Each candidate is judged out of sample by two-fold cross-fitting on the validation rows (isotonic would
 * otherwise always win in sample), then the winner is refitted on all of them.
 *
 * @example
 * const { calibrator, logLossByKind } = chooseCalibrator(validationProbabilities, validationLabels);
 */
export function chooseCalibrator(probabilities: Float64Array, labels: Float64Array): { calibrator: Calibrator; logLossByKind: Record<string, number> } {
  const half = (i: number) => i % 2;
  const pick = (side: number) => Array.from(labels.keys()).filter((i) => half(i) === side);
  const sides = [pick(0), pick(1)];
  const subset = (xs: Float64Array, idx: number[]) => Float64Array.from(idx, (i) => xs[i]);
  const crossFitted = (kind: 'platt' | 'isotonic') => {
    const out = new Float64Array(labels.length);
    for (const [fitSide, scoreSide] of [[0, 1], [1, 0]]) {
      const calibrator = fitKind(kind, subset(probabilities, sides[fitSide]), subset(labels, sides[fitSide]));
      const calibrated = applyCalibrator(calibrator, subset(probabilities, sides[scoreSide]));
      sides[scoreSide].forEach((i, j) => (out[i] = calibrated[j]));
    }
    return logLoss(out, labels);
  };
  const logLossByKind = { none: logLoss(probabilities, labels), platt: crossFitted('platt'), isotonic: crossFitted('isotonic') };
  const best = (Object.keys(logLossByKind) as (keyof typeof logLossByKind)[]).reduce((a, b) => (logLossByKind[b] < logLossByKind[a] ? b : a));
  return { calibrator: best === 'none' ? { kind: 'none' } : fitKind(best, probabilities, labels), logLossByKind };
}
