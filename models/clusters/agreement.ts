/**
 * Agreement between two labellings of the same customers (clusters vs RFM segments, or two k-means runs).
 * Labels are integer codes 0..m-1; `encodeLabels` turns names into codes.
 */

/**
 * Names to codes, in order of first appearance; null becomes the name given as `missing`.
 *
 * @example
 * encodeLabels(['a', 'b', 'a']); // { codes: Int32Array [0, 1, 0], names: ['a', 'b'] }
 */
export function encodeLabels(values: (string | null)[], missing = '(none)'): { codes: Int32Array; names: string[] } {
  const index = new Map<string, number>();
  const codes = new Int32Array(values.length);
  values.forEach((value, i) => {
    const name = value ?? missing;
    if (!index.has(name)) index.set(name, index.size);
    codes[i] = index.get(name)!;
  });
  return { codes, names: [...index.keys()] };
}

/** Counts: `table[i * cols + j]` is how many items have label i in `a` and j in `b`. */
export interface Contingency {
  table: Float64Array;
  rows: number;
  cols: number;
}

/**
 * The contingency table of two labellings.
 *
 * @example
 * contingency(Int32Array.of(0, 0, 1), Int32Array.of(1, 1, 0)); // table [0, 2, 1, 0], 2 x 2
 */
export function contingency(a: Int32Array, b: Int32Array): Contingency {
  let rows = 0;
  let cols = 0;
  for (let i = 0; i < a.length; i++) {
    rows = Math.max(rows, a[i] + 1);
    cols = Math.max(cols, b[i] + 1);
  }
  const table = new Float64Array(rows * cols);
  for (let i = 0; i < a.length; i++) table[a[i] * cols + b[i]]++;
  return { table, rows, cols };
}

function margins({ table, rows, cols }: Contingency): { rowSums: Float64Array; colSums: Float64Array; n: number } {
  const rowSums = new Float64Array(rows);
  const colSums = new Float64Array(cols);
  let n = 0;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    const v = table[i * cols + j];
    rowSums[i] += v;
    colSums[j] += v;
    n += v;
  }
  return { rowSums, colSums, n };
}

const pairs = (v: number) => (v * (v - 1)) / 2;

/**
 * Adjusted Rand index (Hubert & Arabie): 1 identical partitions, about 0 for chance agreement.
 * Two partitions that are both a single cluster (or all singletons) count as identical, as in scikit-learn.
 *
 * @example
 * adjustedRandIndex(Int32Array.of(0, 0, 1, 1), Int32Array.of(1, 1, 0, 0)); // 1
 */
export function adjustedRandIndex(a: Int32Array, b: Int32Array): number {
  const c = contingency(a, b);
  const { rowSums, colSums, n } = margins(c);
  let index = 0;
  for (const v of c.table) index += pairs(v);
  let sumA = 0;
  let sumB = 0;
  for (const v of rowSums) sumA += pairs(v);
  for (const v of colSums) sumB += pairs(v);
  const expected = (sumA * sumB) / pairs(n);
  const max = (sumA + sumB) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}

/**
 * Normalized mutual information with the arithmetic-mean normalization, MI / ((H(a) + H(b)) / 2), which is
 * scikit-learn's default (`average_method='arithmetic'`). 1 when both labellings are a single cluster.
 *
 * @example
 * normalizedMutualInfo(Int32Array.of(0, 0, 1, 1), Int32Array.of(0, 0, 0, 1)); // 0.3437
 */
export function normalizedMutualInfo(a: Int32Array, b: Int32Array): number {
  const c = contingency(a, b);
  const { rowSums, colSums, n } = margins(c);
  const entropy = (sums: Float64Array) => {
    let h = 0;
    for (const v of sums) if (v > 0) h -= (v / n) * Math.log(v / n);
    return h;
  };
  let mi = 0;
  for (let i = 0; i < c.rows; i++) for (let j = 0; j < c.cols; j++) {
    const v = c.table[i * c.cols + j];
    if (v > 0) mi += (v / n) * Math.log((v * n) / (rowSums[i] * colSums[j]));
  }
  const mean = (entropy(rowSums) + entropy(colSums)) / 2;
  return mean === 0 ? 1 : Math.max(0, mi) / mean;
}

/**
 * Adjusted mutual information (Vinh, Epps and Bailey 2010) with the arithmetic-mean normalization, as
 * scikit-learn's `adjusted_mutual_info_score`: (MI - E[MI]) / (mean(H(a), H(b)) - E[MI]), where E[MI] is the
 * mutual information two random labellings with the same cluster sizes share. NMI is not corrected for chance:
 * it grows with the number of clusters even between unrelated labellings; AMI is about 0 for those.
 * 1 when both labellings are a single cluster.
 *
 * @example
 * adjustedMutualInfo(Int32Array.of(0, 0, 1, 1), Int32Array.of(1, 1, 0, 0)); // 1
 */
export function adjustedMutualInfo(a: Int32Array, b: Int32Array): number {
  const c = contingency(a, b);
  const { rowSums, colSums, n } = margins(c);
  const used = (sums: Float64Array) => sums.filter((v) => v > 0);
  const rows = used(rowSums);
  const cols = used(colSums);
  if ((rows.length <= 1 && cols.length <= 1) || n === 0) return 1;
  const entropy = (sums: Float64Array) => sums.reduce((h, v) => h - (v / n) * Math.log(v / n), 0);
  let mi = 0;
  for (let i = 0; i < c.rows; i++) for (let j = 0; j < c.cols; j++) {
    const v = c.table[i * c.cols + j];
    if (v > 0) mi += (v / n) * Math.log((v * n) / (rowSums[i] * colSums[j]));
  }
  const expected = expectedMutualInfo(rows, cols, n);
  const denominator = (entropy(rows) + entropy(cols)) / 2 - expected;
  // scikit-learn keeps the sign of a vanishing denominator and bounds it away from zero.
  const bounded = denominator < 0 ? Math.min(denominator, -Number.EPSILON) : Math.max(denominator, Number.EPSILON);
  return (Math.max(0, mi) - expected) / bounded;
}

/**
 * E[MI] of two labellings drawn at random with the given cluster sizes (the hypergeometric model): a sum over
 * every cell and every count that cell could hold, O(n * min(#rows, #cols)) terms at the most.
 */
function expectedMutualInfo(rows: Float64Array, cols: Float64Array, n: number): number {
  // log(m!) for m = 0..n; every factorial below is of a count at most n.
  const logFactorial = new Float64Array(n + 1);
  for (let m = 2; m <= n; m++) logFactorial[m] = logFactorial[m - 1] + Math.log(m);
  let total = 0;
  for (const ai of rows) {
    for (const bj of cols) {
      const fixed = logFactorial[ai] + logFactorial[bj] + logFactorial[n - ai] + logFactorial[n - bj] - logFactorial[n];
      for (let nij = Math.max(1, ai + bj - n); nij <= Math.min(ai, bj); nij++) {
        const logP = fixed - logFactorial[nij] - logFactorial[ai - nij] - logFactorial[bj - nij] - logFactorial[n - ai - bj + nij];
        total += (nij / n) * Math.log((n * nij) / (ai * bj)) * Math.exp(logP);
      }
    }
  }
  return total;
}
