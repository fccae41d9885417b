import type { DenseMatrix } from './matrix.ts';

/** A principal-component projection to two dimensions, for scatter plots. */
export interface Pca {
  mean: number[];
  /** Two unit vectors, each `cols` long: the directions of largest variance. */
  components: number[][];
  /** Share of the total variance each component explains. */
  explainedVarianceRatio: number[];
}

/**
 * Fits a 2-component PCA by eigen-decomposing the covariance matrix (features are few, so the d x d problem is
 * tiny). Each component's sign is fixed so its largest-magnitude weight is positive: reruns draw the same plot.
 *
 * @example
 * const pca = fitPca(matrix);
 * const xy = projectPca(matrix, pca); // Float64Array [pc1, pc2, pc1, pc2, ...]
 */
export function fitPca(matrix: DenseMatrix): Pca {
  const { data, rows, cols } = matrix;
  const mean = new Array<number>(cols).fill(0);
  for (let i = 0; i < rows; i++) for (let t = 0; t < cols; t++) mean[t] += data[i * cols + t] / rows;
  const cov = Array.from({ length: cols }, () => new Array<number>(cols).fill(0));
  for (let i = 0; i < rows; i++) {
    for (let a = 0; a < cols; a++) {
      const da = data[i * cols + a] - mean[a];
      for (let b = a; b < cols; b++) cov[a][b] += (da * (data[i * cols + b] - mean[b])) / Math.max(rows - 1, 1);
    }
  }
  for (let a = 0; a < cols; a++) for (let b = 0; b < a; b++) cov[a][b] = cov[b][a];
  const { values, vectors } = jacobiEigen(cov);
  const order = values.map((_, i) => i).sort((x, y) => values[y] - values[x]);
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0) || 1;
  const components: number[][] = [];
  const explainedVarianceRatio: number[] = [];
  for (let c = 0; c < 2; c++) {
    const index = order[c];
    if (index === undefined) {
      components.push(new Array<number>(cols).fill(0));
      explainedVarianceRatio.push(0);
      continue;
    }
    const vector = vectors.map((row) => row[index]);
    const anchor = vector.reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best), 0);
    components.push(vector.map((v) => (anchor < 0 ? -v : v)));
    explainedVarianceRatio.push(Math.max(values[index], 0) / total);
  }
  return { mean, components, explainedVarianceRatio };
}

/** Rows projected onto the two components, interleaved [pc1, pc2] per row. */
export function projectPca(matrix: DenseMatrix, pca: Pca): Float64Array {
  const { data, rows, cols } = matrix;
  const out = new Float64Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < 2; c++) {
      let sum = 0;
      for (let t = 0; t < cols; t++) sum += (data[i * cols + t] - pca.mean[t]) * pca.components[c][t];
      out[i * 2 + c] = sum;
    }
  }
  return out;
}

/** Cyclic Jacobi rotations for a small symmetric matrix: eigenvalues and eigenvectors (as columns). */
function jacobiEigen(input: number[][]): { values: number[]; vectors: number[][] } {
  const n = input.length;
  const a = input.map((row) => row.slice());
  const v = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j): number => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cos = 1 / Math.sqrt(t * t + 1);
        const sin = t * cos;
        for (let r = 0; r < n; r++) {
          const arp = a[r][p];
          const arq = a[r][q];
          a[r][p] = cos * arp - sin * arq;
          a[r][q] = sin * arp + cos * arq;
        }
        for (let r = 0; r < n; r++) {
          const apr = a[p][r];
          const aqr = a[q][r];
          a[p][r] = cos * apr - sin * aqr;
          a[q][r] = sin * apr + cos * aqr;
        }
        for (let r = 0; r < n; r++) {
          const vrp = v[r][p];
          const vrq = v[r][q];
          v[r][p] = cos * vrp - sin * vrq;
          v[r][q] = sin * vrp + cos * vrq;
        }
      }
    }
  }
  return { values: a.map((row, i) => row[i]), vectors: v };
}
