/**
 * Gradient histograms: for one node and every feature, the sums of gradient, hessian and row count per bin.
 * Split finding reads only these, so its cost depends on bins, not rows. One histogram is a Float64Array of
 * `features x 256 x 3` (gradient, hessian, count interleaved per bin); a child's histogram is its parent's minus
 * its sibling's, so only the smaller child is ever built from rows (LightGBM's and scikit-learn's subtraction trick).
 */

export const BIN_SLOTS = 256;
export const STRIDE = 3;

/** An empty histogram for `features` columns. */
export function emptyHistogram(features: number): Float64Array {
  return new Float64Array(features * BIN_SLOTS * STRIDE);
}

/**
 * Adds the rows `index[start..end)` into `hist` for the features listed in `active` (the others stay zero).
 * Gradients and hessians are gathered in row order once, then each feature column is read sequentially.
 *
 * @example
 * buildHistogram(hist, binned, gradients, hessians, index, 0, index.length, Int32Array.of(0, 1));
 */
export function buildHistogram(
  hist: Float64Array,
  binned: Uint8Array[],
  gradients: Float64Array,
  hessians: Float64Array,
  index: Uint32Array,
  start: number,
  end: number,
  active: Int32Array,
): void {
  const n = end - start;
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = index[start + i];
    g[i] = gradients[row];
    h[i] = hessians[row];
  }
  for (const f of active) {
    const bins = binned[f];
    const base = f * BIN_SLOTS * STRIDE;
    for (let i = 0; i < n; i++) {
      const at = base + bins[index[start + i]] * STRIDE;
      hist[at] += g[i];
      hist[at + 1] += h[i];
      hist[at + 2] += 1;
    }
  }
}

/**
 * `parent - child`, in place in `parent` (which becomes the sibling's histogram).
 *
 * @example
 * subtractHistogram(parentHist, smallChildHist); // parentHist now holds the larger child
 */
export function subtractHistogram(parent: Float64Array, child: Float64Array): void {
  for (let i = 0; i < parent.length; i++) parent[i] -= child[i];
}
