/**
 * One regression tree over binned columns, stored as flat typed arrays (node i's children, feature, leaf value,
 * training cover, and a 256-entry "goes left" table per node), plus its plain-JSON form for the model bundle.
 */
import { BIN_SLOTS } from './histogram.ts';

export interface Tree {
  /** Split feature per node; -1 for a leaf. */
  feature: Int32Array;
  left: Int32Array;
  right: Int32Array;
  /** Leaf value (margin units, shrinkage applied); 0 for inner nodes. */
  value: Float64Array;
  /** Training rows that reached the node (TreeSHAP weighs the unseen branch by these). */
  cover: Float64Array;
  /** goLeft[node * 256 + bin] === 1: a row with that bin goes to the left child. */
  goLeft: Uint8Array;
}

/**
 * The saved form: numeric splits as a threshold bin plus the missing direction, categorical ones as the list of
 * bins that go left. Plain arrays, one entry per node.
 */
export interface TreeJSON {
  feature: number[];
  left: number[];
  right: number[];
  value: number[];
  cover: number[];
  /** Numeric split: bins 1..threshold go left; -1 for categorical splits and leaves. */
  threshold: number[];
  /** Numeric split: 1 when missing values go left. */
  missingLeft: number[];
  /** Categorical split: the bins that go left; null otherwise. */
  leftBins: (number[] | null)[];
}

/**
 * Child of `node` for a row whose bin on the node's feature is `bin`.
 *
 * @example
 * let node = 0; while (tree.feature[node] >= 0) node = childFor(tree, node, binned[tree.feature[node]][row]);
 */
export function childFor(tree: Tree, node: number, bin: number): number {
  return tree.goLeft[node * BIN_SLOTS + bin] ? tree.left[node] : tree.right[node];
}

/** The leaf a row of binned columns lands in. */
export function leafFor(tree: Tree, binned: Uint8Array[], row: number): number {
  let node = 0;
  while (tree.feature[node] >= 0) node = childFor(tree, node, binned[tree.feature[node]][row]);
  return node;
}

/** Whether a node's left table is a numeric threshold split: bins 1..t left, t+1.. right. */
function asThreshold(goLeft: Uint8Array, node: number): number {
  const base = node * BIN_SLOTS;
  let t = 0;
  while (t + 1 < BIN_SLOTS && goLeft[base + t + 1]) t++;
  for (let b = t + 1; b < BIN_SLOTS; b++) if (goLeft[base + b]) return -1;
  return t;
}

/**
 * @example
 * const json = treeToJSON(tree, categorical); treeFromJSON(json); // the same tree
 */
export function treeToJSON(tree: Tree, categorical: Uint8Array): TreeJSON {
  const nodes = tree.feature.length;
  const json: TreeJSON = { feature: Array.from(tree.feature), left: Array.from(tree.left), right: Array.from(tree.right), value: Array.from(tree.value), cover: Array.from(tree.cover), threshold: [], missingLeft: [], leftBins: [] };
  for (let i = 0; i < nodes; i++) {
    const f = tree.feature[i];
    const numeric = f >= 0 && !categorical[f];
    json.threshold.push(numeric ? asThreshold(tree.goLeft, i) : -1);
    json.missingLeft.push(numeric ? tree.goLeft[i * BIN_SLOTS] : 0);
    const bins: number[] = [];
    if (f >= 0 && categorical[f]) for (let b = 0; b < BIN_SLOTS; b++) if (tree.goLeft[i * BIN_SLOTS + b]) bins.push(b);
    json.leftBins.push(f >= 0 && categorical[f] ? bins : null);
  }
  return json;
}

export function treeFromJSON(json: TreeJSON): Tree {
  const nodes = json.feature.length;
  const goLeft = new Uint8Array(nodes * BIN_SLOTS);
  for (let i = 0; i < nodes; i++) {
    if (json.feature[i] < 0) continue;
    const bins = json.leftBins[i];
    if (bins) for (const b of bins) goLeft[i * BIN_SLOTS + b] = 1;
    else {
      goLeft[i * BIN_SLOTS] = json.missingLeft[i];
      for (let b = 1; b <= json.threshold[i]; b++) goLeft[i * BIN_SLOTS + b] = 1;
    }
  }
  return {
    feature: Int32Array.from(json.feature),
    left: Int32Array.from(json.left),
    right: Int32Array.from(json.right),
    value: Float64Array.from(json.value),
    cover: Float64Array.from(json.cover),
    goLeft,
  };
}
