/** A row-major dense matrix: row i is `data[i * cols .. (i + 1) * cols)`. Kernels take this, never arrays of rows. */
export interface DenseMatrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

/**
 * Builds a dense matrix from rows (tests, small inputs).
 *
 * @example
 * const m = matrixFromRows([[1, 2], [3, 4]]); // m.rows === 2, m.cols === 2
 */
export function matrixFromRows(rows: ArrayLike<number>[]): DenseMatrix {
  const cols = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => data.set(row, i * cols));
  return { data, rows: rows.length, cols };
}

/**
 * The rows at `indices`, copied into a new matrix (samples for fitting and scoring).
 *
 * @example
 * const sample = takeRows(m, Uint32Array.of(0, 5, 9));
 */
export function takeRows(matrix: DenseMatrix, indices: ArrayLike<number>): DenseMatrix {
  const { cols } = matrix;
  const data = new Float64Array(indices.length * cols);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i] * cols;
    data.set(matrix.data.subarray(from, from + cols), i * cols);
  }
  return { data, rows: indices.length, cols };
}
