/**
 * Grows one tree leaf-wise (best-first, as LightGBM and scikit-learn's HistGradientBoosting do): the open leaf
 * whose best split gains most is split next, until `maxLeaves` leaves or no split gains. The rows of every node
 * are a contiguous range of one index array, partitioned stably at each split (so ranges stay in row order and
 * column reads stay sequential); only the smaller child's histogram is built from rows.
 *
 * @example
 * const pool: Float64Array[] = []; // reused by every tree of a run
 */
import { buildHistogram, emptyHistogram, subtractHistogram } from './histogram.ts';
import { bestSplit, type NodeStats, type Split, type SplitOptions } from './split.ts';
import type { Tree } from './tree.ts';
import { BIN_SLOTS } from './histogram.ts';

export interface GrowOptions extends SplitOptions {
  maxLeaves: number;
  /** Maximum depth (root = 0); 0 = no limit beyond `maxLeaves`. */
  maxDepth: number;
  /** Multiplies every leaf value (shrinkage). */
  learningRate: number;
}

/** What the columns are: kind and bins in use per feature. */
export interface Schema {
  categorical: Uint8Array;
  binCounts: Int32Array;
}

interface Open {
  node: number;
  start: number;
  end: number;
  depth: number;
  stats: NodeStats;
  hist: Float64Array | null;
  split: Split | undefined;
}

export interface GrownTree {
  tree: Tree;
  /** The in-bag rows, grouped by leaf: leaf `leaves[k].node` holds `index[start..end)`. */
  index: Uint32Array;
  leaves: { node: number; start: number; end: number }[];
}

/**
 * @example
 * const { tree } = growTree(binned, schema, gradients, hessians, Uint32Array.from(rows), Int32Array.of(0, 1, 2), options);
 */
export function growTree(
  binned: Uint8Array[],
  schema: Schema,
  gradients: Float64Array,
  hessians: Float64Array,
  rows: Uint32Array,
  active: Int32Array,
  options: GrowOptions,
  free: Float64Array[] = [],
): GrownTree {
  const index = Uint32Array.from(rows);
  const scratch = new Uint32Array(index.length);
  const feature: number[] = [-1];
  const left: number[] = [-1];
  const right: number[] = [-1];
  const value: number[] = [0];
  const cover: number[] = [index.length];
  const tables: Uint8Array[] = [new Uint8Array(0)];

  // Histograms are big (features x 256 x 3 doubles) and short-lived: the free list `free` (kept by the caller
  // across trees) saves allocating and collecting one per node, which was the largest cost of growing a tree.
  const takeHistogram = () => {
    const h = free.pop();
    if (!h) return emptyHistogram(binned.length);
    h.fill(0);
    return h;
  };
  const release = (h: Float64Array | null) => {
    if (h) free.push(h);
  };
  const canSplit = (depth: number, count: number) => (options.maxDepth <= 0 || depth < options.maxDepth) && count >= 2 * options.minSamplesLeaf;
  const findSplit = (o: Open) => (canSplit(o.depth, o.stats.count) ? bestSplit(o.hist!, active, schema.categorical, schema.binCounts, o.stats, options) : undefined);

  let g = 0;
  let h = 0;
  for (const r of index) {
    g += gradients[r];
    h += hessians[r];
  }
  const rootHist = takeHistogram();
  buildHistogram(rootHist, binned, gradients, hessians, index, 0, index.length, active);
  const root: Open = { node: 0, start: 0, end: index.length, depth: 0, stats: { gradient: g, hessian: h, count: index.length }, hist: rootHist, split: undefined };
  root.split = findSplit(root);
  const open: Open[] = [root];

  while (open.length < options.maxLeaves) {
    let pick = -1;
    for (let k = 0; k < open.length; k++) if (open[k].split && (pick < 0 || open[k].split!.gain > open[pick].split!.gain)) pick = k;
    if (pick < 0) break;
    const parent = open[pick];
    const split = parent.split!;
    // Stable partition: left rows keep their order at the front, right rows follow in theirs.
    const bins = binned[split.feature];
    let l = parent.start;
    let r = 0;
    for (let i = parent.start; i < parent.end; i++) {
      const row = index[i];
      if (split.left[bins[row]]) index[l++] = row;
      else scratch[r++] = row;
    }
    index.set(scratch.subarray(0, r), l);

    const ids = [feature.length, feature.length + 1];
    feature[parent.node] = split.feature;
    left[parent.node] = ids[0];
    right[parent.node] = ids[1];
    tables[parent.node] = split.left;
    const children: Open[] = [
      { node: ids[0], start: parent.start, end: l, depth: parent.depth + 1, stats: split.leftStats, hist: null, split: undefined },
      { node: ids[1], start: l, end: parent.end, depth: parent.depth + 1, stats: split.rightStats, hist: null, split: undefined },
    ];
    for (const child of children) {
      feature.push(-1);
      left.push(-1);
      right.push(-1);
      value.push(0);
      cover.push(child.end - child.start);
      tables.push(new Uint8Array(0));
    }
    const [small, large] = children[0].end - children[0].start <= children[1].end - children[1].start ? children : [children[1], children[0]];
    small.hist = takeHistogram();
    buildHistogram(small.hist, binned, gradients, hessians, index, small.start, small.end, active);
    subtractHistogram(parent.hist!, small.hist);
    large.hist = parent.hist;
    for (const child of children) {
      child.split = findSplit(child);
      if (!child.split) {
        release(child.hist);
        child.hist = null;
      }
    }
    open.splice(pick, 1, ...children);
  }

  for (const leaf of open) release(leaf.hist);
  for (const leaf of open) value[leaf.node] = (-leaf.stats.gradient / (leaf.stats.hessian + options.l2)) * options.learningRate;
  const goLeft = new Uint8Array(feature.length * BIN_SLOTS);
  tables.forEach((t, node) => goLeft.set(t, node * BIN_SLOTS));
  return {
    tree: { feature: Int32Array.from(feature), left: Int32Array.from(left), right: Int32Array.from(right), value: Float64Array.from(value), cover: Float64Array.from(cover), goLeft },
    index,
    leaves: open.map((o) => ({ node: o.node, start: o.start, end: o.end })),
  };
}
