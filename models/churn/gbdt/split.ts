/**
 * Split finding on one node's histogram. Gain is the second-order one of XGBoost/LightGBM:
 * G_L^2 / (H_L + l2) + G_R^2 / (H_R + l2) - G^2 / (H + l2), for logloss gradients G and hessians H.
 * - numeric: every threshold between bins, with the missing bin tried on both sides (the side that wins is the
 *   learned default direction); a node without missing values sends them to the side with more rows.
 * - categorical (LightGBM's way): up to `maxCatToOnehot` levels, one level against the rest; otherwise levels
 *   with at least `minCatRows` rows are sorted by G / (H + catSmooth) and every prefix (from both ends, at most
 *   `maxCatThreshold` levels) is a candidate left set, with `catL2` added to l2 so many-level columns do not win
 *   on noise. The missing bin is a level like any other.
 * Every split ends as one table `left[bin]` (1 = goes left), the same for both kinds, so partitioning and
 * prediction never branch on the kind.
 */
import { BIN_SLOTS, STRIDE } from './histogram.ts';

export interface SplitOptions {
  /** L2 penalty on leaf values (lambda). */
  l2: number;
  minSamplesLeaf: number;
  /** A child needs at least this much hessian (logloss: p(1-p) summed). */
  minHessianLeaf: number;
  /** A split must gain more than this. */
  minGain: number;
  maxCatToOnehot: number;
  maxCatThreshold: number;
  catSmooth: number;
  catL2: number;
  minCatRows: number;
}

export interface NodeStats {
  gradient: number;
  hessian: number;
  count: number;
}

export interface Split {
  feature: number;
  gain: number;
  /** left[bin] === 1: rows in this bin go to the left child. */
  left: Uint8Array;
  /** Numeric: bins 1..threshold go left (missing per `missingLeft`); categorical: undefined. */
  threshold?: number;
  missingLeft?: boolean;
  leftStats: NodeStats;
  rightStats: NodeStats;
}

const score = (g: number, h: number, l2: number) => (g * g) / (h + l2);

function allowed(stats: NodeStats, options: SplitOptions): boolean {
  return stats.count >= options.minSamplesLeaf && stats.hessian >= options.minHessianLeaf;
}

function sideStats(g: number, h: number, c: number): NodeStats {
  return { gradient: g, hessian: h, count: c };
}

/** Best threshold split of a numeric feature, or undefined when none is allowed and positive. */
function numericSplit(hist: Float64Array, feature: number, bins: number, node: NodeStats, options: SplitOptions): Split | undefined {
  const base = feature * BIN_SLOTS * STRIDE;
  const [mg, mh, mc] = [hist[base], hist[base + 1], hist[base + 2]];
  const hasMissing = mc > 0.5;
  const { l2, minSamplesLeaf, minHessianLeaf } = options;
  const parent = score(node.gradient, node.hessian, l2);
  let bestGain = options.minGain;
  let bestT = -1;
  let bestMissingLeft = false;
  let gl = 0;
  let hl = 0;
  let cl = 0;
  for (let t = 1; t < bins - 1; t++) {
    const at = base + t * STRIDE;
    gl += hist[at];
    hl += hist[at + 1];
    cl += hist[at + 2];
    // Missing rows to the right, then (when there are any) to the left.
    for (let side = 0; side < (hasMissing ? 2 : 1); side++) {
      const g = side ? gl + mg : gl;
      const h = side ? hl + mh : hl;
      const c = side ? cl + mc : cl;
      if (c < minSamplesLeaf || h < minHessianLeaf || node.count - c < minSamplesLeaf || node.hessian - h < minHessianLeaf) continue;
      const gain = score(g, h, l2) + score(node.gradient - g, node.hessian - h, l2) - parent;
      if (gain > bestGain) {
        bestGain = gain;
        bestT = t;
        bestMissingLeft = side === 1;
      }
    }
  }
  if (bestT < 0) return undefined;
  const left = new Uint8Array(BIN_SLOTS);
  let g = 0;
  let h = 0;
  let c = 0;
  for (let b = 1; b <= bestT; b++) {
    left[b] = 1;
    g += hist[base + b * STRIDE];
    h += hist[base + b * STRIDE + 1];
    c += hist[base + b * STRIDE + 2];
  }
  if (bestMissingLeft) [g, h, c] = [g + mg, h + mh, c + mc];
  // Without missing rows here, a missing value at scoring time follows the larger child.
  const missingLeft = hasMissing ? bestMissingLeft : c >= node.count - c;
  left[0] = missingLeft ? 1 : 0;
  const leftStats = sideStats(g, h, c);
  const rightStats = sideStats(node.gradient - g, node.hessian - h, node.count - c);
  return { feature, gain: bestGain, left, threshold: bestT, missingLeft, leftStats, rightStats };
}

/** Best left set of a categorical feature's bins, or undefined. */
function categoricalSplit(hist: Float64Array, feature: number, bins: number, node: NodeStats, options: SplitOptions): Split | undefined {
  const base = feature * BIN_SLOTS * STRIDE;
  const present: number[] = [];
  for (let b = 0; b < bins; b++) if (hist[base + b * STRIDE + 2] > 0.5) present.push(b);
  if (present.length < 2) return undefined;
  const stat = (b: number) => sideStats(hist[base + b * STRIDE], hist[base + b * STRIDE + 1], hist[base + b * STRIDE + 2]);
  const onehot = present.length <= options.maxCatToOnehot;
  const l2 = onehot ? options.l2 : options.l2 + options.catL2;
  const parent = score(node.gradient, node.hessian, l2);
  let best: { gain: number; set: number[]; left: NodeStats; right: NodeStats } | undefined;
  const consider = (set: number[], left: NodeStats) => {
    const right = sideStats(node.gradient - left.gradient, node.hessian - left.hessian, node.count - left.count);
    if (!allowed(left, options) || !allowed(right, options)) return;
    const gain = score(left.gradient, left.hessian, l2) + score(right.gradient, right.hessian, l2) - parent;
    if (gain > options.minGain && (!best || gain > best.gain)) best = { gain, set: [...set], left, right };
  };
  if (onehot) {
    for (const b of present) consider([b], stat(b));
  } else {
    const ratio = (b: number) => hist[base + b * STRIDE] / (hist[base + b * STRIDE + 1] + options.catSmooth);
    const sorted = present.filter((b) => hist[base + b * STRIDE + 2] >= options.minCatRows).sort((a, b) => ratio(a) - ratio(b) || a - b);
    const limit = Math.min(options.maxCatThreshold, sorted.length - 1);
    for (const order of [sorted, [...sorted].reverse()]) {
      let acc = sideStats(0, 0, 0);
      const set: number[] = [];
      for (let k = 0; k < limit; k++) {
        const s = stat(order[k]);
        acc = sideStats(acc.gradient + s.gradient, acc.hessian + s.hessian, acc.count + s.count);
        set.push(order[k]);
        consider(set, acc);
      }
    }
  }
  if (!best) return undefined;
  const left = new Uint8Array(BIN_SLOTS);
  for (const b of best.set) left[b] = 1;
  // A level this node never saw (no rows here) follows the larger child, as a missing value does.
  if (best.left.count > best.right.count) for (let b = 0; b < BIN_SLOTS; b++) if (!(hist[base + b * STRIDE + 2] > 0.5)) left[b] = 1;
  return { feature, gain: best.gain, left, leftStats: best.left, rightStats: best.right };
}

/**
 * The best split of a node over the features in `active`, or undefined when no split gains.
 *
 * @example
 * const split = bestSplit(hist, Int32Array.of(0, 1), kinds, binCounts, { gradient: -3, hessian: 2.5, count: 10 }, options);
 */
export function bestSplit(
  hist: Float64Array,
  active: Int32Array,
  categorical: Uint8Array,
  binCounts: Int32Array,
  node: NodeStats,
  options: SplitOptions,
): Split | undefined {
  let best: Split | undefined;
  for (const f of active) {
    const split = categorical[f] ? categoricalSplit(hist, f, binCounts[f], node, options) : numericSplit(hist, f, binCounts[f], node, options);
    if (split && (!best || split.gain > best.gain)) best = split;
  }
  return best;
}
