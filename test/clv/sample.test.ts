import { describe, expect, it } from 'vitest';
import { fitBgNbd } from '../../models/clv/bgnbd.ts';
import { PURCHASE_MODELS } from '../../models/clv/catalog.ts';
import { fitGammaGamma } from '../../models/clv/gammagamma.ts';
import { predictCustomers } from '../../models/clv/predict.ts';
import { sampleIndices, sampleSummary } from '../../models/clv/sample.ts';
import { simulateTransactions } from '../../models/clv/simulate.ts';
import { summarize } from '../../models/clv/summary.ts';

describe('customer samples for the fits', () => {
  it('draws distinct indices, the same for the same seed, everyone when there are few', () => {
    const a = sampleIndices(1_000, 100, 7);
    expect(new Set(a).size).toBe(100);
    expect(a.every((i) => i >= 0 && i < 1_000)).toBe(true);
    expect(sampleIndices(1_000, 100, 7)).toEqual(a);
    expect(sampleIndices(1_000, 100, 8)).not.toEqual(a);
    expect(Array.from(sampleIndices(5, 10, 7))).toEqual([0, 1, 2, 3, 4]);
  });

  it('a fit on a sample of a simulated population recovers the parameters it was drawn with', () => {
    const truth = { r: 0.5, alpha: 6, a: 0.8, b: 2.5 };
    const spend = { p: 6, q: 4, gamma: 15 };
    const { tx, asOf } = simulateTransactions({ customers: 60_000, seed: 11, bgnbd: truth, gammaGamma: spend });
    const summary = summarize(tx, { asOf });
    const sample = sampleSummary(summary, 20_000, 42);
    expect(sample.customerIds.length).toBe(20_000);
    // In summary order, each customer's figures carried with it.
    const position = new Map(summary.customerIds.map((id, i) => [id, i]));
    const at = sample.customerIds.map((id) => position.get(id)!);
    expect(at).toEqual([...at].sort((u, v) => u - v));
    expect(Array.from(sample.recency)).toEqual(at.map((i) => summary.recency[i]));
    const bg = fitBgNbd(sample);
    const gg = fitGammaGamma(sample);
    expect(bg.converged && gg.converged).toBe(true);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(Math.abs(bg.params[k] / truth[k] - 1)).toBeLessThan(0.2);
    for (const k of ['p', 'q', 'gamma'] as const) expect(Math.abs(gg.params[k] / spend[k] - 1)).toBeLessThan(0.2);
  });
});

describe('predictions', () => {
  it('computing P(alive) once per customer group gives each model its own expected purchases', () => {
    const { tx, asOf } = simulateTransactions({ customers: 500, seed: 4, bgnbd: { r: 0.5, alpha: 5, a: 0.8, b: 2.5 }, gammaGamma: { p: 6, q: 4, gamma: 15 } });
    const summary = summarize(tx, { asOf });
    const params = { r: 0.5, alpha: 5, a: 0.8, b: 2.5, s: 0.7, beta: 9 };
    for (const model of PURCHASE_MODELS) {
      const out = predictCustomers(summary, { purchase: { model, params }, gammaGamma: { p: 6, q: 4, gamma: 15 } }, { horizonMonths: 3 });
      const weeks = (3 * 365.25) / 12 / 7;
      for (let i = 0; i < summary.customerIds.length; i += 7) {
        const direct = model.expectedPurchases(params, weeks, summary.frequency[i], summary.recency[i], summary.age[i]);
        expect(out.expectedPurchases[i]).toBeCloseTo(direct, 12);
      }
    }
  });
});
