import { contingency, adjustedRandIndex } from './agreement.ts';
import { assignNearest, fitKMeans, type KMeansOptions } from './kmeans.ts';
import { takeRows, type DenseMatrix } from './matrix.ts';
import { bootstrapSample } from './random.ts';

export interface Stability {
  runs: number;
  /** Adjusted Rand index between the clustering and each refit on a bootstrap resample (all rows reassigned). */
  meanAri: number;
  minAri: number;
  /**
   * Per cluster, the mean over refits of its best Jaccard overlap with any refit cluster (Hennig 2007).
   * Below about 0.6 a cluster is not reproduced and should not be acted on; above 0.85 it is solid.
   */
  clusterJaccard: number[];
}

/**
 * Refits k-means on `runs` bootstrap resamples with fresh seeds and compares each refit with `labels`.
 *
 * @example
 * const s = assessStability(matrix, fit.labels, fit.k, { runs: 5, seed: 42 });
 * s.meanAri; // near 1: the segments are real structure, not an accident of the seed
 */
export function assessStability(
  matrix: DenseMatrix,
  labels: Int32Array,
  k: number,
  options: Omit<KMeansOptions, 'k'> & { runs: number },
): Stability {
  const seed = options.seed ?? 0;
  const aris: number[] = [];
  const jaccard = new Array<number>(k).fill(0);
  for (let run = 0; run < options.runs; run++) {
    const resample = takeRows(matrix, bootstrapSample(matrix.rows, matrix.rows, seed + 1000 + run));
    const refit = fitKMeans(resample, { ...options, k, seed: seed + 1000 + run });
    const other = assignNearest(matrix, refit.centroids, k).labels;
    aris.push(adjustedRandIndex(labels, other));
    const { table, cols } = contingency(labels, other);
    const own = new Float64Array(k);
    const theirs = new Float64Array(cols);
    for (let i = 0; i < labels.length; i++) {
      own[labels[i]]++;
      theirs[other[i]]++;
    }
    for (let c = 0; c < k; c++) {
      let best = 0;
      for (let j = 0; j < cols; j++) {
        const both = c * cols + j < table.length ? table[c * cols + j] : 0;
        const union = own[c] + theirs[j] - both;
        if (union > 0) best = Math.max(best, both / union);
      }
      jaccard[c] += best / options.runs;
    }
  }
  return {
    runs: options.runs,
    meanAri: aris.reduce((s, v) => s + v, 0) / Math.max(aris.length, 1),
    minAri: aris.length ? Math.min(...aris) : 1,
    clusterJaccard: jaccard,
  };
}
