/**
 * Exact per-feature contributions of a tree ensemble: path-dependent TreeSHAP (Lundberg, Erion and Lee 2018,
 * "Consistent individualized feature attribution for tree ensembles", Algorithm 2; the same recursion as the
 * `shap` package's tree_shap.h and XGBoost's pred_contribs). For each row, phi[f] is feature f's Shapley value
 * of the margin, with "feature absent" meaning the branch not taken is weighed by its training cover. Each row's
 * contributions sum to its margin minus the expected margin: sum(phi) + expectedMargin === margin.
 * Cost per row and tree: O(leaves x depth^2).
 */
import { childFor, type Tree } from './tree.ts';

/** Pool of path elements, one segment per recursion level (the C++ version's PathElement array). */
interface Path {
  feature: Int32Array;
  zero: Float64Array;
  one: Float64Array;
  weight: Float64Array;
}

function newPath(size: number): Path {
  return { feature: new Int32Array(size), zero: new Float64Array(size), one: new Float64Array(size), weight: new Float64Array(size) };
}

function extend(p: Path, at: number, depth: number, zero: number, one: number, feature: number): void {
  p.feature[at + depth] = feature;
  p.zero[at + depth] = zero;
  p.one[at + depth] = one;
  p.weight[at + depth] = depth === 0 ? 1 : 0;
  for (let i = depth - 1; i >= 0; i--) {
    p.weight[at + i + 1] += (one * p.weight[at + i] * (i + 1)) / (depth + 1);
    p.weight[at + i] = (zero * p.weight[at + i] * (depth - i)) / (depth + 1);
  }
}

function unwind(p: Path, at: number, depth: number, index: number): void {
  const one = p.one[at + index];
  const zero = p.zero[at + index];
  let nextOne = p.weight[at + depth];
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = p.weight[at + i];
      p.weight[at + i] = (nextOne * (depth + 1)) / ((i + 1) * one);
      nextOne = tmp - (p.weight[at + i] * zero * (depth - i)) / (depth + 1);
    } else {
      p.weight[at + i] = (p.weight[at + i] * (depth + 1)) / (zero * (depth - i));
    }
  }
  for (let i = index; i < depth; i++) {
    p.feature[at + i] = p.feature[at + i + 1];
    p.zero[at + i] = p.zero[at + i + 1];
    p.one[at + i] = p.one[at + i + 1];
  }
}

function unwoundSum(p: Path, at: number, depth: number, index: number): number {
  const one = p.one[at + index];
  const zero = p.zero[at + index];
  let nextOne = p.weight[at + depth];
  let total = 0;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = (nextOne * (depth + 1)) / ((i + 1) * one);
      total += tmp;
      nextOne = p.weight[at + i] - (tmp * zero * (depth - i)) / (depth + 1);
    } else {
      total += p.weight[at + i] / zero / ((depth - i) / (depth + 1));
    }
  }
  return total;
}

function depthOf(tree: Tree, node = 0): number {
  return tree.feature[node] < 0 ? 0 : 1 + Math.max(depthOf(tree, tree.left[node]), depthOf(tree, tree.right[node]));
}

/**
 * Adds one tree's contributions for row `row` to `phi` (offset `out`, one slot per feature).
 */
function treeShapRow(tree: Tree, binned: Uint8Array[], row: number, phi: Float64Array, out: number, path: Path): void {
  const recurse = (node: number, parentAt: number, depth: number, zero: number, one: number, feature: number): void => {
    const at = parentAt + depth + 1;
    for (let i = 0; i <= depth; i++) {
      path.feature[at + i] = path.feature[parentAt + i];
      path.zero[at + i] = path.zero[parentAt + i];
      path.one[at + i] = path.one[parentAt + i];
      path.weight[at + i] = path.weight[parentAt + i];
    }
    extend(path, at, depth, zero, one, feature);
    const split = tree.feature[node];
    if (split < 0) {
      for (let i = 1; i <= depth; i++) {
        const w = unwoundSum(path, at, depth, i);
        phi[out + path.feature[at + i]] += w * (path.one[at + i] - path.zero[at + i]) * tree.value[node];
      }
      return;
    }
    const hot = childFor(tree, node, binned[split][row]);
    const cold = hot === tree.left[node] ? tree.right[node] : tree.left[node];
    let incomingZero = 1;
    let incomingOne = 1;
    let k = 0;
    while (k <= depth && path.feature[at + k] !== split) k++;
    if (k <= depth) {
      incomingZero = path.zero[at + k];
      incomingOne = path.one[at + k];
      unwind(path, at, depth, k);
      depth--;
    }
    const cover = tree.cover[node];
    recurse(hot, at, depth + 1, (tree.cover[hot] / cover) * incomingZero, incomingOne, split);
    recurse(cold, at, depth + 1, (tree.cover[cold] / cover) * incomingZero, 0, split);
  };
  recurse(0, 0, 0, 1, 1, -1);
}

/** Cover-weighted mean leaf value: the tree's expected output over the training rows. */
export function expectedValue(tree: Tree, node = 0): number {
  if (tree.feature[node] < 0) return tree.value[node];
  const [l, r] = [tree.left[node], tree.right[node]];
  return (tree.cover[l] * expectedValue(tree, l) + tree.cover[r] * expectedValue(tree, r)) / (tree.cover[l] + tree.cover[r]);
}

/**
 * Contributions of every feature for `rows` rows: a row-major `rows x features` matrix, and the expected margin
 * (base margin + each tree's expected value) they start from.
 *
 * @example
 * const { phi, expected } = treeShap(trees, baseMargin, binned, rows);
 * // for each row r: expected + sum(phi[r * F .. r * F + F)) equals predictMargins(...)[r]
 */
export function treeShap(trees: Tree[], baseMargin: number, binned: Uint8Array[], rows: number): { phi: Float64Array; expected: number } {
  const features = binned.length;
  const phi = new Float64Array(rows * features);
  const maxDepth = trees.reduce((d, t) => Math.max(d, depthOf(t)), 0) + 2;
  const path = newPath(((maxDepth + 1) * (maxDepth + 2)) / 2 + maxDepth + 2);
  for (const tree of trees) {
    if (tree.feature[0] < 0) continue;
    for (let row = 0; row < rows; row++) treeShapRow(tree, binned, row, phi, row * features, path);
  }
  const expected = trees.reduce((s, t) => s + expectedValue(t), baseMargin);
  return { phi, expected };
}
