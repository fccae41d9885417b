import { fitKMeans, type KMeansFit, type KMeansOptions } from './kmeans.ts';
import { takeRows, type DenseMatrix } from './matrix.ts';
import { calinskiHarabasz, daviesBouldin, silhouette } from './metrics.ts';
import { uniformSample } from './random.ts';

export interface KScore {
  k: number;
  inertia: number;
  /** On a uniform sample of `silhouetteSampleSize` rows when there are more (it is O(n^2)). */
  silhouette: number;
  daviesBouldin: number;
  calinskiHarabasz: number;
}

export interface SelectKOptions extends Omit<KMeansOptions, 'k'> {
  kMin: number;
  kMax: number;
  silhouetteSampleSize: number;
}

/**
 * Fits k-means for every k in kMin..kMax and scores each fit; the fits come back too, so the chosen one is not refitted.
 *
 * @example
 * const scored = scoreKRange(matrix, { kMin: 2, kMax: 10, silhouetteSampleSize: 3000 });
 * scored.map((s) => s.score.silhouette);
 */
export function scoreKRange(matrix: DenseMatrix, options: SelectKOptions): { score: KScore; fit: KMeansFit }[] {
  const scores: { score: KScore; fit: KMeansFit }[] = [];
  const sampleIndex = uniformSample(matrix.rows, options.silhouetteSampleSize, (options.seed ?? 0) + 1);
  const sample = takeRows(matrix, sampleIndex);
  for (let k = options.kMin; k <= Math.min(options.kMax, matrix.rows); k++) {
    const fit = fitKMeans(matrix, { ...options, k });
    const sampleLabels = Int32Array.from(sampleIndex, (i) => fit.labels[i]);
    const score = {
      k,
      inertia: fit.inertia,
      silhouette: silhouette(sample, sampleLabels, k),
      daviesBouldin: daviesBouldin(matrix, fit.labels, k),
      calinskiHarabasz: calinskiHarabasz(matrix, fit.labels, k),
    };
    scores.push({ score, fit });
  }
  return scores;
}

/**
 * The rule: the highest silhouette, and among silhouettes within `tolerance` of it the smallest k (fewer
 * segments are easier to act on, and a near-tie is within the noise of the sample). Inertia always falls with
 * k, so it is reported but not used; DB and CH are reported for a second opinion.
 *
 * @example
 * chooseK([{ k: 2, silhouette: 0.50 }, { k: 3, silhouette: 0.505 }], 0.01); // 2
 */
export function chooseK(scores: Pick<KScore, 'k' | 'silhouette'>[], tolerance: number): number {
  const best = Math.max(...scores.map((s) => s.silhouette));
  return Math.min(...scores.filter((s) => s.silhouette >= best - tolerance).map((s) => s.k));
}
