/**
 * Evaluation metrics for a binary risk score: pure functions over `Float64Array` (scores in [0, 1] where a
 * probability is needed, labels 0/1).
 */

export { rocAuc } from '../metrics.ts';

/** Row indices by descending score; ties keep input order so results are repeatable. */
function byScoreDescending(scores: Float64Array): number[] {
  return Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
}

/**
 * PR-AUC as average precision: the mean of precision at the rank of each positive.
 *
 * @example
 * prAuc(Float64Array.of(0.9, 0.8, 0.7), Float64Array.of(1, 0, 1)); // (1 + 2/3) / 2
 */
export function prAuc(scores: Float64Array, labels: Float64Array): number {
  let hits = 0;
  let sum = 0;
  byScoreDescending(scores).forEach((i, rank) => {
    if (labels[i] > 0.5) {
      hits++;
      sum += hits / (rank + 1);
    }
  });
  return hits ? sum / hits : NaN;
}

/** Probabilities are clipped so a confident mistake costs a large but finite loss. */
const EPSILON = 1e-15;

/**
 * Mean binary cross-entropy (natural log).
 *
 * @example
 * logLoss(Float64Array.of(0.5, 0.5), Float64Array.of(0, 1)); // Math.LN2
 */
export function logLoss(probabilities: Float64Array, labels: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - EPSILON, Math.max(EPSILON, probabilities[i]));
    sum -= labels[i] > 0.5 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / labels.length;
}

/**
 * Brier score: mean squared error of the probabilities.
 *
 * @example
 * brierScore(Float64Array.of(0.2, 0.9), Float64Array.of(0, 1)); // (0.04 + 0.01) / 2
 */
export function brierScore(probabilities: Float64Array, labels: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum += (probabilities[i] - labels[i]) ** 2;
  return sum / labels.length;
}

export interface CalibrationBin {
  /** Lower edge of the bin of predicted probability; the bin is [from, from + 1/bins), the last one closed. */
  from: number;
  to: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

/**
 * Calibration table: equal-width bins of predicted probability, mean prediction vs observed rate in each.
 * Empty bins are kept (count 0, NaN means) so tables line up across models.
 *
 * @example
 * calibrationTable(Float64Array.of(0.05, 0.15, 0.95), Float64Array.of(0, 1, 1), { bins: 10 })[1].observedRate; // 1
 */
export function calibrationTable(probabilities: Float64Array, labels: Float64Array, options: { bins?: number } = {}): CalibrationBin[] {
  const bins = options.bins ?? 10;
  const count = new Float64Array(bins);
  const predicted = new Float64Array(bins);
  const observed = new Float64Array(bins);
  for (let i = 0; i < labels.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(probabilities[i] * bins)));
    count[b]++;
    predicted[b] += probabilities[i];
    observed[b] += labels[i];
  }
  return Array.from(count, (n, b) => ({
    from: b / bins,
    to: (b + 1) / bins,
    count: n,
    meanPredicted: n ? predicted[b] / n : NaN,
    observedRate: n ? observed[b] / n : NaN,
  }));
}

export interface DecileRow {
  /** 1 = the tenth of customers with the highest scores. */
  decile: number;
  count: number;
  positives: number;
  rate: number;
  /** rate / overall rate. */
  lift: number;
  /** Share of all positives found in deciles 1..decile. */
  cumulativeCapture: number;
}

/**
 * Lift and capture rate by decile of descending score (decile sizes differ by at most one row).
 *
 * @example
 * liftByDecile(scores, labels)[0].lift; // how many times the base rate the top tenth churns
 */
export function liftByDecile(scores: Float64Array, labels: Float64Array): DecileRow[] {
  const order = byScoreDescending(scores);
  const total = labels.reduce((s, y) => s + y, 0);
  const baseRate = total / labels.length;
  const rows: DecileRow[] = [];
  let captured = 0;
  for (let d = 0; d < 10; d++) {
    const start = Math.round((d * order.length) / 10);
    const end = Math.round(((d + 1) * order.length) / 10);
    let positives = 0;
    for (let r = start; r < end; r++) positives += labels[order[r]];
    captured += positives;
    const count = end - start;
    const rate = count ? positives / count : NaN;
    rows.push({ decile: d + 1, count, positives, rate, lift: rate / baseRate, cumulativeCapture: total ? captured / total : NaN });
  }
  return rows;
}

/**
 * Precision and recall among the `k` highest scores.
 *
 * @example
 * precisionRecallAtK(Float64Array.of(0.9, 0.8, 0.1), Float64Array.of(1, 0, 1), { k: 2 }); // { precision: 0.5, recall: 0.5 }
 */
export function precisionRecallAtK(scores: Float64Array, labels: Float64Array, options: { k: number }): { k: number; precision: number; recall: number } {
  const k = Math.min(options.k, labels.length);
  const order = byScoreDescending(scores);
  let hits = 0;
  for (let r = 0; r < k; r++) hits += labels[order[r]];
  const total = labels.reduce((s, y) => s + y, 0);
  return { k, precision: k ? hits / k : NaN, recall: total ? hits / total : NaN };
}
