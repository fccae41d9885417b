import type { DenseMatrix } from './matrix.ts';
import { seededGaussian, seededRandom } from './random.ts';

export interface BlobOptions {
  rows: number;
  cols: number;
  centers: number;
  seed: number;
  /** Centres are drawn uniformly from [-box, box] in every column. */
  box?: number;
  /** Each blob's standard deviation is drawn uniformly from this range. */
  spread?: [number, number];
}

/**
 * Seeded Gaussian blobs with their true labels: data with known structure for tests and the k-means bench.
 *
 * @example
 * const { matrix, labels } = gaussianBlobs({ rows: 100_000, cols: 8, centers: 8, seed: 42 });
 */
export function gaussianBlobs(options: BlobOptions): { matrix: DenseMatrix; labels: Int32Array } {
  const { rows, cols, centers, seed, box = 10, spread = [1, 3] } = options;
  const uniform = seededRandom(seed);
  const centres = Float64Array.from({ length: centers * cols }, () => (uniform() * 2 - 1) * box);
  const spreads = Float64Array.from({ length: centers }, () => spread[0] + (spread[1] - spread[0]) * uniform());
  const gauss = seededGaussian(seed + 1);
  const data = new Float64Array(rows * cols);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const blob = Math.floor(uniform() * centers);
    labels[i] = blob;
    for (let t = 0; t < cols; t++) data[i * cols + t] = centres[blob * cols + t] + spreads[blob] * gauss();
  }
  return { matrix: { data, rows, cols }, labels };
}
