/**
 * The boosting loop for binary logloss: start from the log-odds of the positive rate, then each round fits a
 * tree to the gradients (p - y) and hessians p(1 - p) of the current margins, on a seeded row sample and
 * feature sample, and adds it shrunk by the learning rate. With a validation set it records the validation
 * logloss after every round and stops `patience` rounds after the best one (the trees after the best are kept,
 * so a caller can cut at any round, e.g. the one that is best over several folds).
 */
import { seededRandom } from '../random.ts';
import { growTree, type GrowOptions, type Schema } from './grow.ts';
import { addTree } from './predict.ts';
import { leafFor, type Tree } from './tree.ts';

export interface BoostOptions extends GrowOptions {
  maxRounds: number;
  /** Share of rows each tree is grown on (drawn anew every round). */
  rowSubsample: number;
  /** Share of features each tree may split on. */
  featureSubsample: number;
  /** Stop this many rounds after the best validation loss. */
  patience: number;
  /** A round must lower validation loss by more than this to count as better. */
  tolerance: number;
  seed: number;
}

export interface BinnedSet {
  binned: Uint8Array[];
  labels: Float64Array;
}

export interface Boosted {
  trees: Tree[];
  baseMargin: number;
  /** Validation logloss after each round (empty without a validation set). */
  validLoss: number[];
  /** Rounds up to the best validation loss (all rounds without a validation set). */
  bestRounds: number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Mean logloss of margins. */
export function marginLogLoss(margins: Float64Array, labels: Float64Array): number {
  let sum = 0;
  // log(1 + e^m) - y m, written to stay finite for large |m|.
  for (let i = 0; i < labels.length; i++) {
    const m = margins[i];
    sum += Math.max(m, 0) + Math.log1p(Math.exp(-Math.abs(m))) - labels[i] * m;
  }
  return sum / labels.length;
}

function sampleRows(n: number, share: number, next: () => number): Uint32Array {
  if (share >= 1) return Uint32Array.from({ length: n }, (_, i) => i);
  const picked: number[] = [];
  for (let i = 0; i < n; i++) if (next() < share) picked.push(i);
  return Uint32Array.from(picked);
}

function sampleFeatures(n: number, share: number, next: () => number): Int32Array {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (share >= 1) return all;
  // At least two features, so a tree can still hold an interaction on a narrow table.
  const k = Math.min(n, Math.max(2, Math.round(n * share)));
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(next() * (n - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.subarray(0, k).sort();
}

/**
 * @example
 * const { trees, bestRounds } = boost({ binned, labels }, schema, options, { binned: vBinned, labels: vLabels });
 */
export function boost(train: BinnedSet, schema: Schema, options: BoostOptions, valid?: BinnedSet): Boosted {
  const n = train.labels.length;
  const positives = train.labels.reduce((s, y) => s + y, 0);
  const rate = Math.min(1 - 1e-6, Math.max(1e-6, positives / n));
  const baseMargin = Math.log(rate / (1 - rate));
  const margins = new Float64Array(n).fill(baseMargin);
  const validMargins = valid ? new Float64Array(valid.labels.length).fill(baseMargin) : undefined;
  const gradients = new Float64Array(n);
  const hessians = new Float64Array(n);
  const next = seededRandom(options.seed);
  const inBag = new Uint8Array(n);
  const trees: Tree[] = [];
  const validLoss: number[] = [];
  const histograms: Float64Array[] = [];
  let best = Infinity;
  let bestRounds = 0;
  for (let round = 0; round < options.maxRounds; round++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(margins[i]);
      gradients[i] = p - train.labels[i];
      hessians[i] = Math.max(p * (1 - p), 1e-16);
    }
    const rows = sampleRows(n, options.rowSubsample, next);
    const active = sampleFeatures(train.binned.length, options.featureSubsample, next);
    const grown = growTree(train.binned, schema, gradients, hessians, rows, active, options, histograms);
    trees.push(grown.tree);
    // In-bag rows take their leaf's value from the partition; the rest walk the tree.
    inBag.fill(0);
    for (const leaf of grown.leaves) {
      const v = grown.tree.value[leaf.node];
      for (let k = leaf.start; k < leaf.end; k++) {
        const row = grown.index[k];
        margins[row] += v;
        inBag[row] = 1;
      }
    }
    if (rows.length < n) {
      for (let row = 0; row < n; row++) if (!inBag[row]) margins[row] += grown.tree.value[leafFor(grown.tree, train.binned, row)];
    }
    if (valid && validMargins) {
      addTree(grown.tree, valid.binned, validMargins);
      const loss = marginLogLoss(validMargins, valid.labels);
      validLoss.push(loss);
      if (loss < best - options.tolerance) {
        best = loss;
        bestRounds = round + 1;
      } else if (round + 1 - bestRounds >= options.patience) break;
    } else bestRounds = round + 1;
    // A tree with a single leaf changes nothing more than the base did: the gradients are spent.
    if (grown.tree.feature[0] < 0) break;
  }
  return { trees, baseMargin, validLoss, bestRounds };
}
