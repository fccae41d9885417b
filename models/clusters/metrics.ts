import type { DenseMatrix } from './matrix.ts';

/**
 * Internal validity indices of a labelling, as scikit-learn defines them (Euclidean distances, centroids
 * recomputed from the labels). Clusters without members are ignored.
 */

/** Means and sizes of the labelled clusters. */
function centroidsOf(matrix: DenseMatrix, labels: Int32Array, k: number): { centroids: Float64Array; sizes: Float64Array } {
  const { data, rows, cols } = matrix;
  const centroids = new Float64Array(k * cols);
  const sizes = new Float64Array(k);
  for (let i = 0; i < rows; i++) {
    sizes[labels[i]]++;
    for (let t = 0; t < cols; t++) centroids[labels[i] * cols + t] += data[i * cols + t];
  }
  for (let j = 0; j < k; j++) for (let t = 0; t < cols; t++) if (sizes[j]) centroids[j * cols + t] /= sizes[j];
  return { centroids, sizes };
}

function distance(a: Float64Array, i: number, b: Float64Array, j: number, cols: number): number {
  let sum = 0;
  for (let t = 0; t < cols; t++) sum += (a[i * cols + t] - b[j * cols + t]) ** 2;
  return Math.sqrt(sum);
}

/**
 * Mean silhouette (b - a) / max(a, b); a point alone in its cluster scores 0. O(n^2): callers pass a sample.
 *
 * @example
 * silhouette(matrixFromRows([[0], [1], [10], [11]]), Int32Array.of(0, 0, 1, 1), 2); // 0.8997
 */
export function silhouette(matrix: DenseMatrix, labels: Int32Array, k: number): number {
  const { data, rows, cols } = matrix;
  const sizes = new Float64Array(k);
  for (let i = 0; i < rows; i++) sizes[labels[i]]++;
  const sums = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    sums.fill(0);
    for (let j = 0; j < rows; j++) if (j !== i) sums[labels[j]] += distance(data, i, data, j, cols);
    const own = labels[i];
    if (sizes[own] <= 1) continue;
    const a = sums[own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c] > 0) b = Math.min(b, sums[c] / sizes[c]);
    if (b === Infinity) continue;
    total += (b - a) / Math.max(a, b) || 0;
  }
  return total / rows;
}

/**
 * Davies-Bouldin: mean over clusters of the worst (s_i + s_j) / d(c_i, c_j); lower is better.
 *
 * @example
 * daviesBouldin(matrixFromRows([[0], [2], [10], [12]]), Int32Array.of(0, 0, 1, 1), 2); // 0.2
 */
export function daviesBouldin(matrix: DenseMatrix, labels: Int32Array, k: number): number {
  const { data, rows, cols } = matrix;
  const { centroids, sizes } = centroidsOf(matrix, labels, k);
  const scatter = new Float64Array(k);
  for (let i = 0; i < rows; i++) scatter[labels[i]] += distance(data, i, centroids, labels[i], cols);
  const used: number[] = [];
  for (let j = 0; j < k; j++) if (sizes[j]) {
    scatter[j] /= sizes[j];
    used.push(j);
  }
  if (used.length < 2) return 0;
  let total = 0;
  for (const i of used) {
    let worst = 0;
    for (const j of used) {
      if (i === j) continue;
      const gap = distance(centroids, i, centroids, j, cols);
      worst = Math.max(worst, gap > 0 ? (scatter[i] + scatter[j]) / gap : Infinity);
    }
    total += worst;
  }
  return total / used.length;
}

/**
 * Calinski-Harabasz: between-cluster over within-cluster dispersion, each per degree of freedom; higher is better.
 *
 * @example
 * calinskiHarabasz(matrixFromRows([[0], [2], [10], [12]]), Int32Array.of(0, 0, 1, 1), 2); // 50
 */
export function calinskiHarabasz(matrix: DenseMatrix, labels: Int32Array, k: number): number {
  const { data, rows, cols } = matrix;
  const { centroids, sizes } = centroidsOf(matrix, labels, k);
  const overall = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let t = 0; t < cols; t++) overall[t] += data[i * cols + t] / rows;
  let within = 0;
  for (let i = 0; i < rows; i++) within += distance(data, i, centroids, labels[i], cols) ** 2;
  let between = 0;
  let used = 0;
  for (let j = 0; j < k; j++) if (sizes[j]) {
    used++;
    between += sizes[j] * distance(centroids, j, overall, 0, cols) ** 2;
  }
  if (used < 2) return 0;
  return within === 0 ? Infinity : (between / (used - 1)) / (within / (rows - used));
}
