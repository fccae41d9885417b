import { describe, expect, it } from 'vitest';
import { BG_NBD, bgnbdLogLikelihood, expectedPurchases, fitBgNbd, probabilityAlive } from '../../models/clv/bgnbd.ts';
import { groupRepeatData } from '../../models/clv/repeat-data.ts';
import { expectedOrderValue, fitGammaGamma, gammaGammaLogLikelihood } from '../../models/clv/gammagamma.ts';
import { medianNextOrder, predictCustomers } from '../../models/clv/predict.ts';
import { simulateTransactions } from '../../models/clv/simulate.ts';
import { summarize } from '../../models/clv/summary.ts';

const f64 = (...v: number[]) => Float64Array.from(v);
const DAY = 86_400_000;

describe('summary', () => {
  it('counts repeat orders on distinct days, with returns and free items by the documented rule', () => {
    const s = summarize(
      {
        customerIds: ['a', 'a', 'a', 'a', 'a', 'b', 'c', 'c', 'd', 'd'],
        // a: day 0, day 0 again (same occasion), day 7 return only, day 14, day 21 bought-and-returned same day
        timesMs: [0, 5 * 3600e3, 7 * DAY, 14 * DAY, 21 * DAY + 1, 3 * DAY, 0, 28 * DAY, 0, 7 * DAY],
        amounts: [10, 5, -10, 30, 8, 12, 0, 4, 3, 9],
      },
      { asOf: '1970-01-29', unit: 'week' },
    );
    expect(s.customerIds).toEqual(['a', 'b', 'c', 'd']);
    // a: orders on days 0 (15) and 14 (30); day 7 nets negative, day 21 is one line of 8 -> counts.
    expect([...s.frequency]).toEqual([2, 0, 0, 1]);
    expect(s.recency[0]).toBeCloseTo(3, 12);
    // Last observed day is 27 (asOf is exclusive): T = 27/7 for a first order on day 0.
    expect(s.age[0]).toBeCloseTo(27 / 7, 12);
    expect(s.meanRepeatValue[0]).toBeCloseTo((30 + 8) / 2, 12);
    // c: a free first order counts; the day-28 order is on asOf itself, so it is left out.
    expect(s.age[2]).toBeCloseTo(27 / 7, 12);
    expect(s.meanRepeatValue[3]).toBe(9);
    expect(summarize({ customerIds: ['x'], timesMs: [0], amounts: [-5] }, { asOf: '1970-02-01' }).customerIds).toEqual([]);
    expect(() => summarize({ customerIds: [], timesMs: [], amounts: [] }, { asOf: '1970/01/01' })).toThrow(/asOf/);
  });
});

describe('BG/NBD by hand', () => {
  it('likelihood matches the closed form on tiny inputs', () => {
    // x = 0: L = (alpha / (alpha + T))^r
    const none = { frequency: f64(0), recency: f64(0), age: f64(2) };
    expect(bgnbdLogLikelihood({ r: 1.5, alpha: 2, a: 0.7, b: 3 }, none)).toBeCloseTo(1.5 * Math.log(0.5), 12);
    // r = alpha = a = 1, b = 2, x = 1, t_x = 1, T = 2:
    // Gamma(2)/Gamma(1) * B(1,3)/B(1,2) * (3^-2 + (1/2) 2^-2) = 1 * (2/3) * (17/72) = 17/108
    const one = { frequency: f64(1), recency: f64(1), age: f64(2) };
    expect(bgnbdLogLikelihood({ r: 1, alpha: 1, a: 1, b: 2 }, one)).toBeCloseTo(Math.log(17 / 108), 12);
    // Customers are independent: two copies double the log-likelihood.
    const two = { frequency: f64(1, 1), recency: f64(1, 1), age: f64(2, 2) };
    expect(bgnbdLogLikelihood({ r: 1, alpha: 1, a: 1, b: 2 }, two)).toBeCloseTo(2 * Math.log(17 / 108), 12);
    expect(() => bgnbdLogLikelihood({ r: 1, alpha: 1, a: 1, b: 2 }, { frequency: f64(1.5), recency: f64(1), age: f64(2) })).toThrow(/integer x/);
  });

  it('groups equal customers', () => {
    const g = groupRepeatData({ frequency: f64(0, 1, 0, 1), recency: f64(0, 1, 0, 2), age: f64(5, 5, 5, 5) });
    expect([...g.weight]).toEqual([2, 1, 1]);
    expect([...g.groupOf]).toEqual([0, 1, 0, 2]);
  });

  it('probability alive and expected purchases behave as the model says', () => {
    // 1 / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)) = 1 / (1 + (1/2)(3/2)^2) = 8/17
    expect(probabilityAlive({ r: 1, alpha: 1, a: 1, b: 2 }, 1, 1, 2)).toBeCloseTo(8 / 17, 12);
    expect(probabilityAlive({ r: 1, alpha: 1, a: 1, b: 2 }, 0, 0, 2)).toBe(1);
    const p = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    // Small t: E ~ P(alive) * E[lambda | data] * t = P(alive) (r + x)/(alpha + T) t
    const t = 1e-4;
    expect(expectedPurchases(p, t, 2, 30.43, 38.86) / t).toBeCloseTo(probabilityAlive(p, 2, 30.43, 38.86) * (p.r + 2) / (p.alpha + 38.86), 4);
    // Almost no dropout (p ~ Beta(0.001, 1000)): NBD conditional mean (r + x)/(alpha + T) t.
    const noDrop = { r: 2, alpha: 10, a: 0.001, b: 1000 };
    expect(expectedPurchases(noDrop, 52, 3, 20, 30)).toBeCloseTo((5 / 40) * 52, 2);
    // Increasing in t, a = 1 (removable singularity) between its neighbours.
    const e = [10, 20, 40, 80].map((h) => expectedPurchases(p, h, 1, 5, 30));
    for (let k = 1; k < e.length; k++) expect(e[k]).toBeGreaterThan(e[k - 1]);
    const at = (a: number) => expectedPurchases({ ...p, a }, 52, 1, 5, 30);
    expect(at(1)).toBeGreaterThan(Math.min(at(0.999), at(1.001)));
    expect(at(1)).toBeLessThan(Math.max(at(0.999), at(1.001)));
  });

  it('median next order solves P(order within s) = 1/2', () => {
    const p = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    const purchase = { model: BG_NBD, params: p };
    const s = medianNextOrder(purchase, 2, 30.43, 38.86, 520);
    const alive = probabilityAlive(p, 2, 30.43, 38.86);
    expect(alive * (1 - Math.pow((p.alpha + 38.86) / (p.alpha + 38.86 + s), p.r + 2))).toBeCloseTo(0.5, 10);
    expect(medianNextOrder(purchase, 2, 30.43, 38.86, s - 1)).toBeNaN();
    expect(medianNextOrder(purchase, 2, 1, 38.86, 520)).toBeNaN(); // p_alive < 1/2
  });
});

describe('Gamma-Gamma by hand', () => {
  it('likelihood and conditional mean match the closed forms', () => {
    // p = q = gamma = 1, x = 1, mean 2: gamma / (gamma + 2)^2 = 1/9
    expect(gammaGammaLogLikelihood({ p: 1, q: 1, gamma: 1 }, { frequency: f64(1, 0), meanRepeatValue: f64(2, 0) })).toBeCloseTo(Math.log(1 / 9), 12);
    // x = 2, mean 3, p = 2, q = 3, gamma = 4:
    // Gamma(7)/(Gamma(4)Gamma(3)) 4^3 3^3 2^4 / (4 + 6)^7 = 60 * 64 * 27 * 16 / 1e7
    expect(gammaGammaLogLikelihood({ p: 2, q: 3, gamma: 4 }, { frequency: f64(2), meanRepeatValue: f64(3) })).toBeCloseTo(Math.log((60 * 64 * 27 * 16) / 1e7), 12);
    expect(expectedOrderValue({ p: 2, q: 3, gamma: 4 }, 0, 0)).toBeCloseTo(4, 12);
    expect(expectedOrderValue({ p: 2, q: 3, gamma: 4 }, 2, 3)).toBeCloseTo((2 * (4 + 6)) / (4 + 2), 12);
    expect(expectedOrderValue({ p: 2, q: 1, gamma: 4 }, 0, 0)).toBeNaN();
    expect(() => fitGammaGamma({ frequency: f64(0, 0), meanRepeatValue: f64(0, 0) })).toThrow(/repeat order/);
  });
});

describe('fits on simulated customers', () => {
  it('recover the parameters they were drawn with, and predictions are coherent', () => {
    const truth = { r: 0.5, alpha: 6, a: 0.8, b: 2.5 };
    const spend = { p: 6, q: 4, gamma: 15 };
    const { tx, asOf } = simulateTransactions({ customers: 20_000, seed: 3, bgnbd: truth, gammaGamma: spend, unit: 'week' });
    const summary = summarize(tx, { asOf, unit: 'week' });
    const bg = fitBgNbd(summary);
    const gg = fitGammaGamma(summary);
    expect(bg.converged).toBe(true);
    expect(gg.converged).toBe(true);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(Math.abs(bg.params[k] / truth[k] - 1)).toBeLessThan(0.2);
    for (const k of ['p', 'q', 'gamma'] as const) expect(Math.abs(gg.params[k] / spend[k] - 1)).toBeLessThan(0.2);

    const models = { purchase: { model: BG_NBD, params: bg.params }, gammaGamma: gg.params };
    const out = predictCustomers(summary, models, { horizonMonths: 12, discountRateAnnual: 0.1 });
    const undiscounted = predictCustomers(summary, models, { horizonMonths: 12, discountRateAnnual: 0 });
    for (let i = 0; i < summary.customerIds.length; i += 97) {
      expect(out.pAlive[i]).toBeGreaterThan(0);
      expect(out.pAlive[i]).toBeLessThanOrEqual(1);
      expect(undiscounted.clv[i]).toBeCloseTo(out.predictedAov[i] * out.expectedPurchases[i], 8);
      expect(out.clv[i]).toBeLessThan(undiscounted.clv[i]);
      expect(out.clv[i]).toBeGreaterThan(undiscounted.clv[i] / 1.1);
      if (summary.frequency[i] === 0) expect(out.predictedAov[i]).toBeCloseTo(expectedOrderValue(gg.params, 0, 0), 10);
    }
  });
});
