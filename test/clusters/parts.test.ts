import { describe, expect, it } from 'vitest';
import { matrixFromRows } from '../../models/clusters/matrix.ts';
import { fitPca, projectPca } from '../../models/clusters/pca.ts';
import { valueTiers } from '../../models/clusters/profiles.ts';
import { uniformSample } from '../../models/clusters/random.ts';
import { applyScaler, fitScaler, inverseSignedLog1p, medianOf, signedLog1p, unscale } from '../../models/clusters/scaler.ts';
import { seededRandom } from '../../models/clusters/random.ts';
import { tableFromRows } from '../../models/clusters/table.ts';
import { chooseK } from '../../models/clusters/select-k.ts';

describe('scaling', () => {
  it('signed log1p keeps order through zero and inverts exactly', () => {
    const values = [-500, -1, 0, 0.5, 1, 99, 1e6];
    const logged = values.map(signedLog1p);
    expect([...logged].sort((a, b) => a - b)).toEqual(logged);
    expect(signedLog1p(-99)).toBeCloseTo(-Math.log(100), 12);
    for (const v of values) expect(inverseSignedLog1p(signedLog1p(v))).toBeCloseTo(v, 6);
  });

  it('standardizes, fills missing recency with the longest seen, and maps points back to raw units', () => {
    const table = {
      customerIds: ['a', 'b', 'c', 'd'],
      columns: { recency_days: Float64Array.of(1, 10, 100, NaN), monetary: Float64Array.of(5, NaN, 50, 500) },
    };
    const scaler = fitScaler(table, ['recency_days', 'monetary']);
    expect(scaler.fill).toEqual([100, 50]); // max for recency; the upper median of [5, 50, 500] for money
    const m = applyScaler(table, scaler);
    for (let t = 0; t < 2; t++) {
      const col = [0, 1, 2, 3].map((i) => m.data[i * 2 + t]);
      expect(col.reduce((s, v) => s + v, 0) / 4).toBeCloseTo(0, 12);
      expect(col.reduce((s, v) => s + v * v, 0) / 4).toBeCloseTo(1, 12);
    }
    expect(unscale(m.data.subarray(0, 2), scaler)).toEqual([expect.closeTo(1, 9), expect.closeTo(5, 9)]);
  });
});

describe('tableFromRows', () => {
  it('turns row objects (an API body, store rows) into columns, NULL as NaN, RFM segments kept', () => {
    const table = tableFromRows(
      [
        { customer_id: 7, recency_days: 3, monetary: '12.5', rfm_segment: 'Champions' },
        { customer_id: 'b', recency_days: null, monetary: -4, rfm_segment: null },
      ],
      ['recency_days', 'monetary'],
    );
    expect(table.customerIds).toEqual(['7', 'b']);
    expect(Array.from(table.columns.recency_days)).toEqual([3, NaN]);
    expect(Array.from(table.columns.monetary)).toEqual([12.5, -4]);
    expect(table.rfmSegments).toEqual(['Champions', null]);
  });
});

describe('medianOf', () => {
  it('agrees with sorting, ignores missing values, handles ties and even counts', () => {
    expect(medianOf([3, NaN, 1, 2, 10])).toBe(2.5);
    expect(medianOf([NaN])).toBeNaN();
    const next = seededRandom(9);
    for (const n of [1, 2, 7, 100, 1001]) {
      const values = Array.from({ length: n }, () => Math.floor(next() * 5)); // many ties
      const sorted = [...values].sort((a, b) => a - b);
      const expected = n % 2 ? sorted[n >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      expect(medianOf(values)).toBe(expected);
    }
  });
});

describe('PCA', () => {
  it('finds the direction of a stretched cloud and explains its variance', () => {
    const rows = Array.from({ length: 200 }, (_, i) => {
      const along = (i - 100) / 10;
      const across = ((i * 7919) % 13) / 13 - 0.5;
      return [along * 0.6 + across * 0.8, along * 0.8 - across * 0.6, 0.01 * across];
    });
    const pca = fitPca(matrixFromRows(rows));
    expect(pca.components[0][0]).toBeCloseTo(0.6, 3);
    expect(pca.components[0][1]).toBeCloseTo(0.8, 3);
    expect(pca.explainedVarianceRatio[0]).toBeGreaterThan(0.99);
    const xy = projectPca(matrixFromRows(rows), pca);
    // Row 0 lies 10 units down the main axis from the first row; the mean of `along` is -0.05.
    expect(xy[0]).toBeCloseTo(-9.95, 1);
  });
});

describe('choosing k and tiers', () => {
  it('takes the best silhouette, and the smaller k on a near-tie', () => {
    expect(chooseK([{ k: 2, silhouette: 0.4 }, { k: 3, silhouette: 0.6 }, { k: 4, silhouette: 0.55 }], 0.01)).toBe(3);
    expect(chooseK([{ k: 2, silhouette: 0.595 }, { k: 3, silhouette: 0.6 }], 0.01)).toBe(2);
  });

  it('maps clusters to tiers by mean monetary rank, top and bottom fixed', () => {
    expect(valueTiers([10, 500, 80])).toEqual(['Low value', 'VIP', 'Growth potential']);
    expect(valueTiers([1, 2])).toEqual(['Low value', 'VIP']);
    expect(valueTiers([5, 4, 3, 2, 1])).toEqual(['VIP', 'Key', 'Growth potential', 'Standard', 'Low value']);
  });

  it('samples uniformly without repeats', () => {
    const s = uniformSample(1000, 300, 5);
    expect(new Set(s).size).toBe(300);
    expect(Math.max(...s)).toBeLessThan(1000);
    expect(Array.from(uniformSample(1000, 300, 5))).toEqual(Array.from(s));
    expect(uniformSample(10, 50, 1)).toHaveLength(10);
  });
});
