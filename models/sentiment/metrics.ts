/** Binary classification figures over raw scores (higher = more positive), as pure functions. */

export interface Confusion {
  truePositive: number;
  falsePositive: number;
  trueNegative: number;
  falseNegative: number;
}

export { rocAuc } from '../metrics.ts';

/** Counts with "positive" meaning score >= threshold. */
export function confusion(scores: Float64Array, labels: Uint8Array, threshold: number): Confusion {
  const c: Confusion = { truePositive: 0, falsePositive: 0, trueNegative: 0, falseNegative: 0 };
  for (let i = 0; i < scores.length; i++) {
    const predicted = scores[i] >= threshold;
    if (labels[i]) predicted ? c.truePositive++ : c.falseNegative++;
    else predicted ? c.falsePositive++ : c.trueNegative++;
  }
  return c;
}

export function accuracy(c: Confusion): number {
  return (c.truePositive + c.trueNegative) / (c.truePositive + c.trueNegative + c.falsePositive + c.falseNegative);
}

/** Mean of the true-positive and true-negative rates: fair when the classes differ in size. */
export function balancedAccuracy(c: Confusion): number {
  return (c.truePositive / (c.truePositive + c.falseNegative) + c.trueNegative / (c.trueNegative + c.falsePositive)) / 2;
}

/** Candidate cut points: midpoints between consecutive distinct scores. */
function cutPoints(scores: Float64Array): number[] {
  const sorted = Float64Array.from(scores).sort();
  const cuts: number[] = [];
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) cuts.push((sorted[i] + sorted[i - 1]) / 2);
  return cuts;
}

/**
 * The threshold with the highest balanced accuracy on these scores.
 *
 * @example
 * bestBalancedThreshold(Float64Array.from([0.2, 0.8]), Uint8Array.from([0, 1])); // 0.5
 */
export function bestBalancedThreshold(scores: Float64Array, labels: Uint8Array): number {
  let best = { threshold: 0, value: -1 };
  for (const threshold of cutPoints(scores)) {
    const value = balancedAccuracy(confusion(scores, labels, threshold));
    if (value > best.value) best = { threshold, value };
  }
  return best.threshold;
}

/**
 * The highest threshold below which at least `precision` of the rows are negatives (label 0), or -Infinity
 * when no cut gets there.
 */
export function negativePrecisionThreshold(scores: Float64Array, labels: Uint8Array, precision: number): number {
  const order = Int32Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b]);
  let best = -Infinity;
  let negatives = 0;
  for (let i = 0; i < order.length; i++) {
    if (!labels[order[i]]) negatives++;
    const next = scores[order[i + 1]];
    if (i + 1 < order.length && next === scores[order[i]]) continue;
    if (negatives / (i + 1) >= precision) best = i + 1 < order.length ? (scores[order[i]] + next) / 2 : scores[order[i]];
  }
  return best;
}
