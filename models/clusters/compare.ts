import { adjustedMutualInfo, adjustedRandIndex, contingency, encodeLabels, normalizedMutualInfo } from './agreement.ts';

export interface RfmComparison {
  /** RFM segment names, the columns of `counts` and `rowShares`. */
  segments: string[];
  /** counts[cluster][segment]. */
  counts: number[][];
  /** Each cluster's row of counts divided by the cluster's size. */
  rowShares: number[][];
  adjustedRandIndex: number;
  /** Normalized mutual information, arithmetic-mean normalization (scikit-learn's default); not adjusted for chance. */
  normalizedMutualInfo: number;
  /** Adjusted mutual information, the same normalization: about 0 for chance agreement, which NMI is not. */
  adjustedMutualInfo: number;
  /** Per cluster, the RFM segments it mixes: the largest first, at most 3, shares of the cluster. */
  mixes: { segment: string; share: number }[][];
}

/**
 * Clusters against the rule-based RFM segments: do the data-driven segments rediscover the rules, split them,
 * or cut across them? Over the segmented customers (the buyers): the fixed "No purchases yet" group matches RFM's
 * "Other" by construction and would count as agreement.
 *
 * @example
 * const cmp = compareWithRfm(labels, 4, ['Champions', 'At risk', ...]);
 * cmp.mixes[0]; // [{ segment: 'Champions', share: 0.71 }, { segment: 'Loyal', share: 0.2 }, ...]
 */
export function compareWithRfm(labels: Int32Array, k: number, rfmSegments: (string | null)[]): RfmComparison {
  const { codes, names } = encodeLabels(rfmSegments);
  const { table, rows, cols } = contingency(labels, codes);
  const counts = Array.from({ length: k }, (_, c) => Array.from({ length: cols }, (_, j) => (c < rows ? table[c * cols + j] : 0)));
  const rowShares = counts.map((row) => {
    const size = row.reduce((s, v) => s + v, 0);
    return row.map((v) => (size ? v / size : 0));
  });
  return {
    segments: names,
    counts,
    rowShares,
    adjustedRandIndex: adjustedRandIndex(labels, codes),
    normalizedMutualInfo: normalizedMutualInfo(labels, codes),
    adjustedMutualInfo: adjustedMutualInfo(labels, codes),
    mixes: rowShares.map((shares) =>
      shares
        .map((share, j) => ({ segment: names[j], share }))
        .filter((m) => m.share > 0)
        .sort((a, b) => b.share - a.share)
        .slice(0, 3),
    ),
  };
}
