/**
 * Prediction over binned columns: the sum of the leaf values each row reaches, plus the base margin. A pure
 * function of typed arrays (no model object, no TensorFlow), so it can score a million rows in one pass.
 */
import { leafFor, type Tree } from './tree.ts';

/**
 * Adds one tree's leaf values to `margins` for rows 0..margins.length.
 *
 * @example
 * addTree(tree, binned, margins);
 */
export function addTree(tree: Tree, binned: Uint8Array[], margins: Float64Array): void {
  for (let row = 0; row < margins.length; row++) margins[row] += tree.value[leafFor(tree, binned, row)];
}

/**
 * Margins (log-odds) of `rows` rows: base + the first `rounds` trees (all by default).
 *
 * @example
 * const margins = predictMargins(trees, baseMargin, binned, rows);
 */
export function predictMargins(trees: Tree[], baseMargin: number, binned: Uint8Array[], rows: number, rounds = trees.length): Float64Array {
  const margins = new Float64Array(rows).fill(baseMargin);
  for (let t = 0; t < Math.min(rounds, trees.length); t++) addTree(trees[t], binned, margins);
  return margins;
}
