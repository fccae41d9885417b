import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../models/clusters/agreement.ts';
import { gaussianBlobs } from '../../models/clusters/blobs.ts';
import { assignNearest, fitKMeans } from '../../models/clusters/kmeans.ts';
import { lloydHamerly } from '../../models/clusters/lloyd.ts';
import { takeRows, type DenseMatrix } from '../../models/clusters/matrix.ts';
import { uniformSample } from '../../models/clusters/random.ts';
import { greedyKMeansPlusPlus } from '../../models/clusters/seeding.ts';
import { SEGMENT_DEFAULTS } from '../../models/clusters/segment.ts';
import { assessStability } from '../../models/clusters/stability.ts';

/** Textbook Lloyd: every distance every iteration, until no label changes. The reference for the bounded kernel. */
function plainLloyd(matrix: DenseMatrix, start: Float64Array, k: number): Int32Array {
  let centroids = Float64Array.from(start);
  let labels: Int32Array = new Int32Array(matrix.rows).fill(-1);
  for (let iteration = 0; iteration < 300; iteration++) {
    const next = assignNearest(matrix, centroids, k).labels;
    if (next.every((l, i) => l === labels[i])) break;
    labels = next;
    const sums = new Float64Array(k * matrix.cols);
    const counts = new Float64Array(k);
    for (let i = 0; i < matrix.rows; i++) {
      counts[labels[i]]++;
      for (let t = 0; t < matrix.cols; t++) sums[labels[i] * matrix.cols + t] += matrix.data[i * matrix.cols + t];
    }
    centroids = centroids.map((c, idx) => (counts[Math.floor(idx / matrix.cols)] ? sums[idx] / counts[Math.floor(idx / matrix.cols)] : c));
  }
  return labels;
}

describe('k-means', () => {
  it('recovers generated blobs (ARI > 0.95)', () => {
    const { matrix, labels } = gaussianBlobs({ rows: 6000, cols: 4, centers: 5, seed: 3, box: 10, spread: [0.8, 1.5] });
    const fit = fitKMeans(matrix, { k: 5, seed: 11 });
    expect(adjustedRandIndex(fit.labels, labels)).toBeGreaterThan(0.95);
    expect(fit.converged).toBe(true);
  });

  it('fits on a sample and assigns every row without losing the structure', () => {
    const { matrix, labels } = gaussianBlobs({ rows: 20_000, cols: 3, centers: 4, seed: 5, spread: [0.8, 1.5] });
    const fit = fitKMeans(takeRows(matrix, uniformSample(matrix.rows, 2000, 1)), { k: 4, seed: 2 });
    const assigned = assignNearest(matrix, fit.centroids, 4).labels;
    expect(adjustedRandIndex(assigned, labels)).toBeGreaterThan(0.95);
  });

  it('gives identical results for the same seed', () => {
    const { matrix } = gaussianBlobs({ rows: 3000, cols: 3, centers: 6, seed: 8, spread: [1, 4] });
    const a = fitKMeans(matrix, { k: 6, seed: 99, nInit: 3 });
    const b = fitKMeans(matrix, { k: 6, seed: 99, nInit: 3 });
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(Array.from(b.centroids)).toEqual(Array.from(a.centroids));
    expect(b.inertia).toBe(a.inertia);
  });

  it('keeps the restart with the lowest inertia (restarts see every row)', () => {
    const { matrix } = gaussianBlobs({ rows: 3000, cols: 2, centers: 9, seed: 4, spread: [0.5, 2] });
    const fit = fitKMeans(matrix, { k: 9, seed: 1, nInit: 6 });
    const singles = [0, 1, 2, 3, 4, 5].map((r) => fitKMeans(matrix, { k: 9, seed: 1 + r * 7919, nInit: 1 }).inertia);
    expect(fit.restartRows).toBe(3000);
    expect(fit.restartInertias).toEqual(singles);
    expect(fit.inertia).toBe(Math.min(...singles));
    // The restarts differ (else there would be nothing to choose from).
    expect(new Set(singles.map((v) => v.toFixed(6))).size).toBeGreaterThan(1);
  });

  it('above the full-restart size restarts on a sample, scores them on every row and refines the best there', () => {
    const { matrix, labels } = gaussianBlobs({ rows: 6000, cols: 3, centers: 5, seed: 12, spread: [0.8, 1.5] });
    const fit = fitKMeans(matrix, { k: 5, seed: 3, restartRows: 1000 });
    expect(fit.restartRows).toBe(1000);
    expect(fit.restartInertias).toHaveLength(30);
    // Lloyd on every row from the best restart's centroids can only lower its inertia on every row.
    expect(fit.inertia).toBeLessThanOrEqual(Math.min(...fit.restartInertias));
    expect(fit.inertia).toBeCloseTo(assignNearest(matrix, fit.centroids, 5).inertia, 6);
    expect(adjustedRandIndex(fit.labels, labels)).toBeGreaterThan(0.95);
  });

  it("Hamerly's bounds skip work but not outcomes: same labels as plain Lloyd from the same start", () => {
    const { matrix } = gaussianBlobs({ rows: 4000, cols: 5, centers: 6, seed: 21, box: 4, spread: [1, 3] });
    const start = takeRows(matrix, [0, 1, 2, 3, 4, 5]).data;
    const bounded = lloydHamerly(matrix, start, 6, { maxIterations: 300, shiftTolerance: 0 });
    expect(Array.from(bounded.labels)).toEqual(Array.from(plainLloyd(matrix, start, 6)));
    expect(bounded.inertia).toBeCloseTo(assignNearest(matrix, bounded.centroids, 6).inertia, 6);
  });

  it('seeds greedy k-means++ centres on rows, one in each of three far-apart groups whatever the seed', () => {
    const rows = [[0, 0], [0.1, 0], [0, 0.1], [10, 10], [10.1, 10], [10, 10.1], [-10, 10], [-10.1, 10], [-10, 10.1]];
    const matrix = { data: Float64Array.from(rows.flat()), rows: rows.length, cols: 2 };
    for (let seed = 0; seed < 20; seed++) {
      const centres = greedyKMeansPlusPlus(matrix, 3, seed);
      const groups = [0, 1, 2].map((c) => {
        const index = rows.findIndex((r) => r[0] === centres[c * 2] && r[1] === centres[c * 2 + 1]);
        expect(index).toBeGreaterThanOrEqual(0);
        return Math.floor(index / 3);
      });
      expect(new Set(groups).size).toBe(3);
    }
  });

  it('bootstrap stability of well-separated blobs is above 0.95 with the default settings', () => {
    // Twelve blobs: with four restarts on a 2,048-row sample the refits merged two of them now and then (min ARI 0.88).
    const { matrix } = gaussianBlobs({ rows: 4000, cols: 2, centers: 12, seed: 31, box: 10, spread: [0.25, 0.5] });
    const fit = fitKMeans(matrix, { k: 12, seed: 5 });
    const stability = assessStability(matrix, fit.labels, 12, { seed: 5, runs: SEGMENT_DEFAULTS.stabilityRuns });
    expect(stability.minAri).toBeGreaterThan(0.95);
    expect(Math.min(...stability.clusterJaccard)).toBeGreaterThan(0.85);
  });

  it('refuses k larger than the data', () => {
    const { matrix } = gaussianBlobs({ rows: 3, cols: 2, centers: 1, seed: 1 });
    expect(() => fitKMeans(matrix, { k: 4 })).toThrow(/at least 4/);
  });
});
