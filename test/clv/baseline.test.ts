import { describe, expect, it } from 'vitest';
import { MBG_NBD, expectedPurchases as mbgExpected, probabilityAlive as mbgAlive } from '../../models/clv/mbgnbd.ts';
import { PARETO_NBD, expectedPurchases as paretoExpected, probabilityAlive as paretoAlive } from '../../models/clv/paretonbd.ts';
import { naivePredictions, scorePredictions } from '../../models/clv/evaluate.ts';
import { compareOnHoldout } from '../../models/clv/holdout.ts';
import { groupRepeatData } from '../../models/clv/repeat-data.ts';
import { naiveWarning, selectPurchaseModel } from '../../models/clv/select.ts';
import { simulateTransactions } from '../../models/clv/simulate.ts';
import type { TransactionArrays } from '../../models/clv/summary.ts';
import { lgamma } from '../../models/clv/special.ts';

const f64 = (...v: number[]) => Float64Array.from(v);
const day = (d: number) => Date.UTC(1970, 0, 1 + d);

/**
 * Three customers, calibration to day 28 (asOf 1970-01-29, last observed day 27), holdout days 28..55:
 * a buys on days 0, 7, 14 and twice in the holdout; b on day 0 and once in the holdout; c on days 20 and 27.
 */
const HISTORY: TransactionArrays = {
  customerIds: ['a', 'a', 'a', 'b', 'c', 'c', 'a', 'a', 'b'],
  timesMs: [0, 7, 14, 0, 20, 27, 30, 40, 50].map(day),
  amounts: [10, 10, 10, 5, 8, 8, 10, 10, 5],
};

describe('the naive baseline and the holdout figures, by hand', () => {
  it('predicts x / T per unit of time and scores MAE, RMSE, correlation, total and groups', () => {
    const comparison = compareOnHoldout(HISTORY, { calibrationEnd: '1970-01-29', holdoutDays: 28, unit: 'day', models: [] });
    // a: x = 2, T = 27 days -> 2/27 a day, 56/27 over 28 days; b: x = 0 -> 0; c: x = 1, T = 27 - 20 = 7 -> 4.
    const predicted = [56 / 27, 0, 4];
    const actual = [2, 1, 0];
    const errors = predicted.map((p, i) => p - actual[i]);
    const naive = comparison.naive;
    expect(comparison.customers).toBe(3);
    expect(naive.mae).toBeCloseTo(errors.reduce((s, e) => s + Math.abs(e), 0) / 3, 12);
    expect(naive.rmse).toBeCloseTo(Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / 3), 12);
    expect(naive.predictedTotal).toBeCloseTo(56 / 27 + 4, 12);
    expect(naive.actualTotal).toBe(3);
    expect(naive.totalError).toBeCloseTo((56 / 27 + 4 - 3) / 3, 12);
    const mp = (56 / 27 + 4) / 3;
    const cov = predicted.reduce((s, p, i) => s + (p - mp) * (actual[i] - 1), 0);
    const vp = predicted.reduce((s, p) => s + (p - mp) ** 2, 0);
    expect(naive.correlation).toBeCloseTo(cov / Math.sqrt(vp * 2), 12);
    const [zero, one, two] = naive.byFrequency;
    expect(zero).toEqual({ frequency: '0', customers: 1, predictedMean: 0, actualMean: 1, mae: 1 });
    expect(one).toMatchObject({ customers: 1, predictedMean: 4, actualMean: 0, mae: 4 });
    expect(two.predictedMean).toBeCloseTo(56 / 27, 12);
    expect(naive.byFrequency.at(-1)!.frequency).toBe('7+');
  });

  it('gives a customer first seen on the last day no rate, and a constant prediction no correlation', () => {
    expect([...naivePredictions({ frequency: f64(0, 3), recency: f64(0, 5), age: f64(0, 10) }, 20)]).toEqual([0, 6]);
    const flat = scorePredictions(f64(1, 1), f64(0, 2), f64(0, 0));
    expect(flat.correlation).toBeNaN();
    expect(flat.mae).toBe(1);
  });

  it('warns when the baseline beats a model on MAE, and only then', () => {
    const comparison = compareOnHoldout(HISTORY, { calibrationEnd: '1970-01-29', holdoutDays: 28, unit: 'day', models: [] });
    const score = (mae: number) => ({ ...comparison.naive, mae });
    const model = (mae: number) => ({ model: 'bgnbd' as const, label: 'BG/NBD', fit: {} as never, score: score(mae) });
    const naiveMae = comparison.naive.mae;
    expect(naiveWarning(model(naiveMae + 0.1), comparison, 'on the test split')).toMatch(/^on the test split, the naive baseline .* better than BG\/NBD by MAE/);
    expect(naiveWarning(model(naiveMae - 0.1), comparison, 'on the test split')).toBeUndefined();
  });
});

describe('model choice on a calibration split', () => {
  it('chooses the lowest MAE on the last quarter of the history, and says how', () => {
    const { tx, asOf } = simulateTransactions({ customers: 3000, seed: 21, bgnbd: { r: 0.5, alpha: 6, a: 0.8, b: 2.5 }, gammaGamma: { p: 6, q: 4, gamma: 15 }, unit: 'week' });
    const selection = selectPurchaseModel(tx, { asOf, unit: 'week' });
    const split = selection.split!;
    // 273 observed days: the last 68 are held out.
    expect(split.holdoutDays).toBe(68);
    expect(selection.rule).toMatch(/lowest MAE over the last 68 days/);
    const chosen = split.models.find((m) => m.model === selection.chosen)!;
    const lowest = Math.min(...split.models.map((m) => m.score.mae));
    expect(chosen.score.mae).toBeLessThanOrEqual(lowest * 1.01);
    // Among the models within 1% of the lowest MAE, the smallest error in the total.
    for (const m of split.models.filter((m) => m.score.mae <= lowest * 1.01)) {
      expect(Math.abs(chosen.score.totalError)).toBeLessThanOrEqual(Math.abs(m.score.totalError) + 0.001);
    }
    expect(selection.warning === undefined).toBe(chosen.score.mae <= split.naive.mae);
  }, 60_000);

  it('falls back to BG/NBD and says why when the history is too short to split', () => {
    const selection = selectPurchaseModel(HISTORY, { asOf: '1970-02-20', unit: 'day' });
    expect(selection.chosen).toBe('bgnbd');
    expect(selection.split).toBeUndefined();
    expect(selection.rule).toMatch(/too short/);
  });
});

describe('MBG/NBD by hand', () => {
  const p = { r: 1, alpha: 1, a: 1, b: 2 };
  it('lets a one-time buyer have left: P(alive) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x))', () => {
    expect(mbgAlive(p, 0, 0, 2)).toBeCloseTo(1 / (1 + (1 / 2) * 3), 12);
    expect(mbgAlive(p, 1, 1, 2)).toBeCloseTo(1 / (1 + (1 / 3) * (3 / 2) ** 2), 12);
  });

  it('likelihood matches the closed form on a tiny input, and small-t expectations the purchase rate', () => {
    // x = 1, t_x = 1, T = 2: Gamma(2)/Gamma(1) * B(1, 4)/B(1, 2) * (3^-2 + (1/3) 2^-2) = (2/4) * (1/9 + 1/12)
    const groups = groupRepeatData({ frequency: f64(1), recency: f64(1), age: f64(2) });
    expect(MBG_NBD.logLikelihood(p, groups, 1)).toBeCloseTo(Math.log(0.5 * (1 / 9 + 1 / 12)), 12);
    const q = { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 };
    const t = 1e-4;
    expect(mbgExpected(q, t, 2, 30.43, 38.86) / t).toBeCloseTo((mbgAlive(q, 2, 30.43, 38.86) * (q.r + 2)) / (q.alpha + 38.86), 4);
  });
});

describe('Pareto/NBD by hand', () => {
  it('P(alive) and the likelihood match the closed form where alpha = beta', () => {
    // alpha = beta: A0 = (alpha + t_x)^-(r+s+x) - (alpha + T)^-(r+s+x), so
    // P(alive) = 1 / (1 + s/(r+s+x) [((alpha+T)/(alpha+t_x))^(r+s+x) - 1]).
    const p = { r: 0.7, alpha: 5, s: 0.9, beta: 5 };
    const [x, tx, T] = [3, 10, 30];
    const k = p.r + p.s + x;
    expect(paretoAlive(p, x, tx, T)).toBeCloseTo(1 / (1 + (p.s / k) * (((p.alpha + T) / (p.alpha + tx)) ** k - 1)), 10);
    const a0 = (p.alpha + tx) ** -k - (p.alpha + T) ** -k;
    const likelihood = Math.exp(lgamma(p.r + x) - lgamma(p.r)) * p.alpha ** p.r * p.beta ** p.s * ((p.alpha + T) ** -(p.r + x) * (p.beta + T) ** -p.s + (p.s / k) * a0);
    const groups = groupRepeatData({ frequency: f64(x), recency: f64(tx), age: f64(T) });
    expect(PARETO_NBD.logLikelihood(p, groups, x)).toBeCloseTo(Math.log(likelihood), 10);
  });

  it('the quadrature agrees with a fine Simpson rule where alpha and beta differ by orders of magnitude', () => {
    const p = { r: 0.8, alpha: 2, s: 0.4, beta: 3000 };
    const [x, tx, T] = [6, 4, 50];
    // P(alive) = 1 / (1 + s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A0), A0 = (r+s+x) * integral.
    const f = (y: number) => (p.alpha + y) ** -(p.r + x) * (p.beta + y) ** -(p.s + 1);
    const n = 200_000;
    const h = (T - tx) / n;
    let integral = f(tx) + f(T);
    for (let i = 1; i < n; i++) integral += (i % 2 ? 4 : 2) * f(tx + i * h);
    integral *= h / 3;
    const k = p.r + p.s + x;
    const expected = 1 / (1 + (p.s / k) * (p.alpha + T) ** (p.r + x) * (p.beta + T) ** p.s * k * integral);
    expect(paretoAlive(p, x, tx, T)).toBeCloseTo(expected, 9);
  });

  it('expected purchases: the purchase rate at small t, the s = 1 limit continuous', () => {
    const p = { r: 0.553, alpha: 10.58, s: 0.606, beta: 11.67 };
    const t = 1e-4;
    expect(paretoExpected(p, t, 2, 30.43, 38.86) / t).toBeCloseTo((paretoAlive(p, 2, 30.43, 38.86) * (p.r + 2)) / (p.alpha + 38.86), 4);
    const at = (s: number) => paretoExpected({ ...p, s }, 52, 2, 30.43, 38.86);
    expect(at(1)).toBeCloseTo((at(1 - 1e-6) + at(1 + 1e-6)) / 2, 6);
  });
});
