import { describe, expect, it } from 'vitest';
import { applyCalibrator, chooseCalibrator, fitIsotonic, fitLogistic1D } from '../../models/churn/calibration.ts';
import { brierScore, calibrationTable, liftByDecile, logLoss, prAuc, precisionRecallAtK, rocAuc } from '../../models/churn/metrics.ts';
import { seededRandom, stratifiedFolds, stratifiedSplit } from '../../models/churn/random.ts';

const f = (...xs: number[]) => Float64Array.from(xs);

describe('metrics on hand-checked inputs', () => {
  it('ROC-AUC counts ordered pairs, ties half', () => {
    // positives 0.35, 0.8; negatives 0.1, 0.4: pairs (0.35>0.1 yes, 0.35>0.4 no, 0.8>both yes) = 3/4
    expect(rocAuc(f(0.1, 0.4, 0.35, 0.8), f(0, 0, 1, 1))).toBe(0.75);
    expect(rocAuc(f(0.5, 0.5), f(0, 1))).toBe(0.5);
    expect(rocAuc(f(0.2, 0.9), f(1, 0))).toBe(0);
    expect(rocAuc(f(0.2, 0.9), f(1, 1))).toBeNaN();
  });

  it('PR-AUC is average precision at each positive', () => {
    expect(prAuc(f(0.9, 0.8, 0.7), f(1, 0, 1))).toBeCloseTo((1 + 2 / 3) / 2, 12);
    expect(prAuc(f(0.1, 0.9), f(1, 0))).toBeCloseTo(0.5, 12);
  });

  it('log loss and Brier score', () => {
    expect(logLoss(f(0.5, 0.5), f(0, 1))).toBeCloseTo(Math.LN2, 12);
    expect(logLoss(f(0.8, 0.25), f(1, 0))).toBeCloseTo(-(Math.log(0.8) + Math.log(0.75)) / 2, 12);
    expect(Number.isFinite(logLoss(f(0), f(1)))).toBe(true);
    expect(brierScore(f(0.2, 0.9), f(0, 1))).toBeCloseTo((0.04 + 0.01) / 2, 12);
  });

  it('calibration table bins predicted vs observed', () => {
    const table = calibrationTable(f(0.05, 0.15, 0.12, 1), f(0, 1, 0, 1), { bins: 10 });
    expect(table).toHaveLength(10);
    expect(table[0]).toMatchObject({ count: 1, meanPredicted: 0.05, observedRate: 0 });
    expect(table[1].count).toBe(2);
    expect(table[1].meanPredicted).toBeCloseTo(0.135, 12);
    expect(table[1].observedRate).toBe(0.5);
    expect(table[9]).toMatchObject({ count: 1, observedRate: 1 });
    expect(table[5].count).toBe(0);
  });

  it('lift and capture by decile', () => {
    // 20 rows, scores 20..1; positives are the two top rows and one at the bottom: base rate 3/20.
    const scores = Float64Array.from({ length: 20 }, (_, i) => 20 - i);
    const labels = new Float64Array(20);
    labels[0] = labels[1] = labels[19] = 1;
    const lift = liftByDecile(scores, labels);
    expect(lift[0]).toMatchObject({ decile: 1, count: 2, positives: 2, rate: 1 });
    expect(lift[0].lift).toBeCloseTo(1 / (3 / 20), 12);
    expect(lift[0].cumulativeCapture).toBeCloseTo(2 / 3, 12);
    expect(lift[9].cumulativeCapture).toBe(1);
  });

  it('precision and recall at top K', () => {
    expect(precisionRecallAtK(f(0.9, 0.8, 0.1), f(1, 0, 1), { k: 2 })).toEqual({ k: 2, precision: 0.5, recall: 0.5 });
    expect(precisionRecallAtK(f(0.9, 0.8, 0.1), f(1, 0, 1), { k: 10 }).recall).toBe(1);
  });
});

describe('calibration', () => {
  it('isotonic regression pools adjacent violators', () => {
    const iso = fitIsotonic(f(0.1, 0.2, 0.3, 0.4), f(0, 1, 0, 1));
    expect(iso.values).toEqual([0, 0.5, 1]);
    expect(iso.thresholds).toEqual([0.1, 0.3, 0.4]);
    expect(Array.from(applyCalibrator(iso, f(0.25)))).toEqual([0.5]);
  });

  it('one-feature logistic regression recovers a known curve', () => {
    const next = seededRandom(3);
    const x = Float64Array.from({ length: 4000 }, () => next() * 8 - 4);
    const y = x.map((v) => (next() < 1 / (1 + Math.exp(-(1.5 * v - 0.5))) ? 1 : 0));
    const { slope, intercept } = fitLogistic1D(x, y);
    expect(slope).toBeGreaterThan(1.3);
    expect(slope).toBeLessThan(1.7);
    expect(intercept).toBeGreaterThan(-0.7);
    expect(intercept).toBeLessThan(-0.3);
  });

  it('calibrates overconfident scores (lower log loss)', () => {
    const next = seededRandom(9);
    const p = Float64Array.from({ length: 3000 }, () => next());
    const y = p.map((q) => (next() < q ? 1 : 0));
    const overconfident = p.map((q) => 1 / (1 + Math.exp(-4 * Math.log(q / (1 - q)))));
    const fixed = chooseCalibrator(overconfident, y);
    expect(fixed.calibrator.kind).not.toBe('none');
    expect(fixed.logLossByKind.platt).toBeLessThan(fixed.logLossByKind.none);
    expect(logLoss(applyCalibrator(fixed.calibrator, overconfident), y)).toBeLessThan(logLoss(overconfident, y));
  });
});

describe('seeded splits', () => {
  const labels = Float64Array.from({ length: 103 }, (_, i) => (i % 4 === 0 ? 1 : 0));
  it('stratified split keeps the class shares and is repeatable', () => {
    const a = stratifiedSplit(labels, { testFraction: 0.2, seed: 5 });
    const b = stratifiedSplit(labels, { testFraction: 0.2, seed: 5 });
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(a.train.length + a.test.length).toBe(103);
    expect(new Set([...a.train, ...a.test]).size).toBe(103);
    expect(Array.from(a.test).filter((i) => labels[i]).length).toBe(Math.round(26 * 0.2));
  });
  it('stratified folds have near-equal sizes and positive counts', () => {
    const fold = stratifiedFolds(labels, { k: 5, seed: 1 });
    for (let k = 0; k < 5; k++) {
      const members = Array.from(fold.keys()).filter((i) => fold[i] === k);
      expect(members.length).toBeGreaterThanOrEqual(20);
      expect(members.length).toBeLessThanOrEqual(21);
      const pos = members.filter((i) => labels[i]).length;
      expect(pos).toBeGreaterThanOrEqual(5);
      expect(pos).toBeLessThanOrEqual(6);
    }
  });
});
