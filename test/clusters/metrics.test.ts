import { describe, expect, it } from 'vitest';
import { adjustedMutualInfo, adjustedRandIndex, contingency, encodeLabels, normalizedMutualInfo } from '../../models/clusters/agreement.ts';
import { matrixFromRows } from '../../models/clusters/matrix.ts';
import { calinskiHarabasz, daviesBouldin, silhouette } from '../../models/clusters/metrics.ts';

const labels = (...v: number[]) => Int32Array.from(v);

describe('internal indices on hand-checked inputs', () => {
  it('silhouette of two tight pairs', () => {
    // Points 0, 1 | 10, 11. Point 0: a = 1, b = (10 + 11) / 2 = 10.5 -> 9.5 / 10.5; point 1: a = 1, b = 9.5 -> 8.5 / 9.5;
    // points 10 and 11 mirror them.
    const expected = (9.5 / 10.5 + 8.5 / 9.5) / 2;
    expect(silhouette(matrixFromRows([[0], [1], [10], [11]]), labels(0, 0, 1, 1), 2)).toBeCloseTo(expected, 12);
  });

  it('Davies-Bouldin and Calinski-Harabasz of two pairs', () => {
    const m = matrixFromRows([[0], [2], [10], [12]]);
    // Centroids 1 and 11, each point 1 away: scatter 1 + 1 over centroid gap 10.
    expect(daviesBouldin(m, labels(0, 0, 1, 1), 2)).toBeCloseTo(0.2, 12);
    // Between: 2 * 5^2 + 2 * 5^2 = 100 over k - 1 = 1; within: 4 * 1^2 = 4 over n - k = 2.
    expect(calinskiHarabasz(m, labels(0, 0, 1, 1), 2)).toBeCloseTo(50, 12);
  });

  it('matches scikit-learn 1.2.1 with a singleton cluster in 2-D', () => {
    // Reference values from sklearn.metrics on the same six points; the singleton scores silhouette 0.
    const m = matrixFromRows([[0, 0], [1, 0], [0, 1], [5, 5], [6, 5], [9, 0]]);
    const l = labels(0, 0, 0, 1, 1, 2);
    expect(silhouette(m, l, 3)).toBeCloseTo(0.6969045984327297, 10);
    expect(daviesBouldin(m, l, 3)).toBeCloseTo(0.1378129267467533, 10);
    expect(calinskiHarabasz(m, l, 3)).toBeCloseTo(80.59090909090908, 8);
  });
});

describe('agreement between labellings', () => {
  it('ARI by hand: one cluster split in two', () => {
    // Pairs together: a {01, 23} = 2, b {01} = 1, both {01} = 1; expected = 2 * 1 / C(4,2) = 1/3, max = 1.5.
    expect(adjustedRandIndex(labels(0, 0, 1, 1), labels(0, 0, 1, 2))).toBeCloseTo((1 - 1 / 3) / (1.5 - 1 / 3), 12);
  });

  it('ARI is 1 for the same partition under other names and near 0 for unrelated ones', () => {
    expect(adjustedRandIndex(labels(0, 0, 1, 1, 2), labels(2, 2, 0, 0, 1))).toBe(1);
    expect(adjustedRandIndex(labels(0, 0, 0, 1, 1, 1, 2, 2), labels(0, 0, 1, 1, 2, 2, 2, 2))).toBeCloseTo(0.18181818181818182, 12);
  });

  it('NMI with arithmetic-mean normalization, by hand', () => {
    // H(a) = ln 2, H(b) = -(3/4 ln 3/4 + 1/4 ln 1/4); MI from cells (0,0)=2, (1,0)=1, (1,1)=1 of n = 4.
    const ha = Math.log(2);
    const hb = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
    const mi = 0.5 * Math.log((2 * 4) / (2 * 3)) + 0.25 * Math.log((1 * 4) / (2 * 3)) + 0.25 * Math.log((1 * 4) / (2 * 1));
    expect(normalizedMutualInfo(labels(0, 0, 1, 1), labels(0, 0, 0, 1))).toBeCloseTo(mi / ((ha + hb) / 2), 12);
    expect(normalizedMutualInfo(labels(0, 0, 0, 1, 1, 1, 2, 2), labels(0, 0, 1, 1, 2, 2, 2, 2))).toBeCloseTo(0.5300257549140327, 12);
  });

  it('AMI matches scikit-learn and, unlike NMI, is about 0 for unrelated labellings', () => {
    // Reference values: sklearn.metrics.adjusted_mutual_info_score (1.2.1) on the same labels.
    expect(adjustedMutualInfo(labels(0, 0, 0, 1, 1, 1, 2, 2), labels(0, 0, 1, 1, 2, 2, 2, 2))).toBeCloseTo(0.27454164973683315, 12);
    expect(adjustedMutualInfo(labels(0, 0, 1, 1), labels(0, 0, 0, 1))).toBeCloseTo(0, 12);
    const a = labels(0, 3, 1, 0, 3, 3, 3, 3, 1, 3, 1, 2, 0, 3, 2, 0, 0, 0, 2, 1, 2, 3, 3, 2, 0, 1, 1, 1, 1, 0, 1, 0, 3, 0, 3, 1, 2, 3, 3, 0, 2, 3, 0, 1, 3, 1, 3, 3, 2, 3, 0, 1, 1, 1, 3, 0, 3, 2, 0, 3);
    const b = labels(3, 4, 4, 2, 5, 1, 2, 5, 0, 3, 0, 2, 4, 3, 2, 1, 2, 1, 4, 5, 1, 0, 5, 0, 0, 0, 0, 1, 0, 3, 1, 4, 1, 2, 4, 0, 0, 2, 5, 0, 4, 4, 4, 1, 1, 4, 1, 5, 1, 3, 5, 1, 3, 5, 3, 1, 1, 1, 0, 3);
    expect(adjustedMutualInfo(a, b)).toBeCloseTo(0.017067390618563334, 12);
    expect(normalizedMutualInfo(a, b)).toBeGreaterThan(0.05);
    expect(adjustedMutualInfo(labels(0, 0, 1, 1, 2), labels(2, 2, 0, 0, 1))).toBeCloseTo(1, 12);
    expect(adjustedMutualInfo(labels(0, 0, 0), labels(1, 1, 1))).toBe(1);
  });

  it('contingency counts and label encoding', () => {
    const { codes, names } = encodeLabels(['x', null, 'x', 'y']);
    expect(names).toEqual(['x', '(none)', 'y']);
    const c = contingency(labels(0, 0, 1, 1), codes);
    expect([c.rows, c.cols]).toEqual([2, 3]);
    expect(Array.from(c.table)).toEqual([1, 1, 0, 1, 0, 1]);
  });
});
