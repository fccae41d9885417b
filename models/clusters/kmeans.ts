import { kmeans as mlKMeans } from 'ml-kmeans';
import { badInput } from '../../data/errors.ts';
import { lloydHamerly } from './lloyd.ts';
import { takeRows, type DenseMatrix } from './matrix.ts';
import { uniformSample } from './random.ts';

export interface KMeansOptions {
  k: number;
  /** Restarts (k-means++ draws) from different seeds; the lowest inertia wins. */
  nInit?: number;
  seed?: number;
  maxIterations?: number;
  /** Relative tolerance, scaled by the mean feature variance as scikit-learn does. */
  tolerance?: number;
  /** Rows of the uniform sample the restarts are run and scored on (all rows when there are fewer). */
  seedSampleSize?: number;
}

export const KMEANS_DEFAULTS = {
  nInit: 4,
  seed: 42,
  maxIterations: 300,
  tolerance: 1e-4,
  seedSampleSize: 2048,
  /** ml-kmeans' own default; at sample size an iteration costs well under a millisecond. */
  seedIterations: 100,
} as const;

export interface KMeansFit {
  k: number;
  cols: number;
  /** k x cols, row-major, in the space of the fitted matrix. */
  centroids: Float64Array;
  labels: Int32Array;
  /** Sum of squared distances of every row to its centroid. */
  inertia: number;
  /** Lloyd iterations on all rows after the winning restart. */
  iterations: number;
  converged: boolean;
  /** Inertia of every restart on the seeding sample, so a reader can see how much the seed mattered. */
  restartInertias: number[];
}

/**
 * k-means on a dense matrix: `nInit` k-means++ restarts, the lowest inertia kept, identical output for
 * identical seeds.
 *
 * The restarts are ml-kmeans doing what it does well on a small problem: k-means++ seeding (its scikit-style
 * greedy variant) and Lloyd to convergence on one uniform sample of `seedSampleSize` rows, scored by their
 * inertia on that sample. The winner then starts `lloydHamerly` on every row. Running ml-kmeans on every row
 * would cost 20-50 ms per iteration at 100,000 x 8 (arrays of arrays, every distance every time) and its
 * k-means++ about a second; a bad restart run to convergence on all rows was the other large cost. With
 * n <= seedSampleSize the restarts see every row and this is plain n_init k-means.
 *
 * @example
 * const fit = fitKMeans(matrix, { k: 5, seed: 7 });
 * fit.labels; // Int32Array, one cluster per row
 */
export function fitKMeans(matrix: DenseMatrix, options: KMeansOptions): KMeansFit {
  const o = { ...KMEANS_DEFAULTS, ...options };
  const { rows: n, cols } = matrix;
  if (!Number.isInteger(o.k) || o.k < 1) throw badInput(`k must be a positive integer, got ${o.k}`, { field: 'k' });
  if (o.k > n) throw badInput(`k = ${o.k} needs at least ${o.k} customers, got ${n}`, { field: 'k' });
  const sample = takeRows(matrix, uniformSample(n, Math.max(o.seedSampleSize, o.k), o.seed));
  const sampleRows: number[][] = [];
  for (let i = 0; i < sample.rows; i++) sampleRows.push(Array.from(sample.data.subarray(i * cols, (i + 1) * cols)));
  const restartInertias: number[] = [];
  let start: Float64Array | undefined;
  for (let restart = 0; restart < o.nInit; restart++) {
    const result = mlKMeans(sampleRows, o.k, { initialization: 'kmeans++', seed: o.seed + restart * 7919, maxIterations: o.seedIterations });
    const centroids = Float64Array.from(result.centroids.flat());
    const { inertia } = assignNearest(sample, centroids, o.k);
    if (restartInertias.every((other) => inertia < other)) start = centroids;
    restartInertias.push(inertia);
  }
  const shiftTolerance = o.tolerance * meanVariance(matrix);
  const fit = lloydHamerly(matrix, start!, o.k, { maxIterations: o.maxIterations, shiftTolerance });
  return { k: o.k, cols, ...fit, restartInertias };
}

/** Mean over columns of each column's variance: the scale scikit-learn multiplies its tolerance by. */
function meanVariance(matrix: DenseMatrix): number {
  const { data, rows, cols } = matrix;
  let total = 0;
  for (let t = 0; t < cols; t++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += data[i * cols + t];
    mean /= rows;
    let sq = 0;
    for (let i = 0; i < rows; i++) sq += (data[i * cols + t] - mean) ** 2;
    total += sq / rows;
  }
  return total / cols;
}

/**
 * Nearest centroid of every row (assigning customers to a saved or sample-fitted model).
 *
 * @example
 * const labels = assignNearest(matrix, fit.centroids, fit.k);
 */
export function assignNearest(matrix: DenseMatrix, centroids: Float64Array, k: number): { labels: Int32Array; inertia: number } {
  const { data: x, rows: n, cols: d } = matrix;
  const labels = new Int32Array(n);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let bestJ = 0;
    for (let j = 0; j < k; j++) {
      let sum = 0;
      for (let t = 0; t < d; t++) {
        const diff = x[i * d + t] - centroids[j * d + t];
        sum += diff * diff;
      }
      if (sum < best) {
        best = sum;
        bestJ = j;
      }
    }
    labels[i] = bestJ;
    inertia += best;
  }
  return { labels, inertia };
}
