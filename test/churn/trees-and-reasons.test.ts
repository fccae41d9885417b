import { describe, expect, it } from 'vitest';
import { bandTable, fitBands, riskBand } from '../../models/churn/bands.ts';
import { contributions, explain } from '../../models/churn/explain.ts';
import { rocAuc } from '../../models/churn/metrics.ts';
import { subset, train, type Dataset } from '../../models/churn/model.ts';
import type { FeatureRow } from '../../models/churn/columns.ts';
import { isProtected } from '../../models/churn/protected.ts';
import { seededRandom, stratifiedSplit } from '../../models/churn/random.ts';

const FAST = { maxEpochs: 30, batchSize: 256, patience: 4 };

/** Churn when exactly one of two conditions holds (plan monthly xor usage high): an interaction, no main effect. */
function interaction(n: number, seed: number): Dataset {
  const next = seededRandom(seed);
  const rows: FeatureRow[] = [];
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const usage = next() * 100;
    const plan = next() < 0.5 ? 'monthly' : 'yearly';
    const risky = (plan === 'monthly') !== usage > 50;
    labels[i] = next() < (risky ? 0.8 : 0.15) ? 1 : 0;
    rows.push({ usage, plan, noise: next() });
  }
  return { ids: rows.map((_, i) => `c${i}`), rows, labels };
}

describe('trees against an additive model', () => {
  it('the tree model recovers a planted interaction that the additive model cannot', async () => {
    const data = interaction(3000, 1);
    const split = stratifiedSplit(data.labels, { testFraction: 0.3, seed: 2 });
    const [fit, test] = [subset(data, split.train), subset(data, split.test)];
    const trees = await train(fit, { ...FAST, candidates: ['gbdt'] });
    const additive = await train(fit, { ...FAST, candidates: ['logistic'] });
    const treeAuc = rocAuc(trees.predict(test.rows), test.labels);
    const additiveAuc = rocAuc(additive.predict(test.rows), test.labels);
    expect(treeAuc).toBeGreaterThan(0.75);
    expect(additiveAuc).toBeLessThan(0.6);
    expect(treeAuc - additiveAuc).toBeGreaterThan(0.15);

    // Contributions of the tree model add up to its margin (TreeSHAP is exact); points add up to risk minus the
    // starting risk, so reasons can be read as shares of the score.
    const { values, margins } = contributions(trees, test.rows.slice(0, 50));
    const F = trees.json.features.length;
    const booster = trees.booster(0)!;
    const expected = booster.contributions([], 0).expected;
    for (let i = 0; i < 50; i++) {
      let sum = 0;
      for (let f = 0; f < F; f++) sum += values[i * F + f];
      expect(expected + sum).toBeCloseTo(margins[i], 9);
    }
  });
});

/** Customers whose churn follows recency and, strongly, age; some never left feedback. */
function withProtected(n: number, seed: number): Dataset {
  const next = seededRandom(seed);
  const rows: FeatureRow[] = [];
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const age = 18 + Math.floor(next() * 60);
    const recency = Math.floor(next() * 200);
    const feedback = next() < 0.5;
    const negative = feedback ? Math.floor(next() * 3) : null;
    const z = 0.015 * recency + 0.06 * (age - 48) + (negative ?? 0) * 0.6 - 1.5;
    labels[i] = next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    rows.push({ recency_days: recency, customer_age: age, senior_citizen: age > 65 ? 1 : 0, gender: next() < 0.5 ? 'f' : 'm', negative_feedback_count: negative, region: ['north', 'south'][i % 2] });
  }
  return { ids: rows.map((_, i) => `c${i}`), rows, labels };
}

describe('protected features and reasons', () => {
  const data = withProtected(2000, 7);

  it('names like age, gender, senior and birth are protected; usage, agent and average are not', () => {
    for (const name of ['age', 'customer_age', 'AgeBand', 'senior_citizen', 'gender', 'date_of_birth', 'birthYear', 'female', 'ethnicity']) expect(isProtected(name)).toBe(true);
    for (const name of ['usage', 'agent_id', 'average_order_value', 'page_views', 'region', 'tenure']) expect(isProtected(name)).toBe(false);
    expect(isProtected('region', ['region'])).toBe(true);
  });

  it('leaves protected columns out of the model by default, and never gives them as reasons even when used', async () => {
    const plain = await train(data, { ...FAST, candidates: ['gbdt'] });
    expect(plain.json.protected.columns.sort()).toEqual(['customer_age', 'gender', 'senior_citizen']);
    expect(plain.json.features.map((f) => f.name).sort()).toEqual(['negative_feedback_count', 'recency_days', 'region']);

    const used = await train(data, { ...FAST, candidates: ['gbdt', 'logistic'], protected: { use: true } });
    expect(used.json.features.map((f) => f.name)).toContain('customer_age');
    const reasons = explain(used, data.rows.slice(0, 400), { top: 5 }).flat();
    expect(reasons.length).toBeGreaterThan(100);
    expect(reasons.filter((r) => ['customer_age', 'senior_citizen', 'gender'].includes(r.feature))).toEqual([]);
    // A customer without feedback has no feedback reason, and nothing is ever "unknown".
    const silent = explain(used, data.rows.filter((r) => r.negative_feedback_count === null).slice(0, 100), { top: 5 }).flat();
    expect(silent.filter((r) => r.feature === 'negative_feedback_count')).toEqual([]);
    expect(reasons.concat(silent).filter((r) => /unknown|missing/.test(r.text))).toEqual([]);
    // Direction and size in every text.
    for (const r of reasons) expect(r.text).toMatch(/: \+\d+(\.\d)? points?$/);
  });

  it('puts behavioural reasons with signal before attributes', async () => {
    const model = await train(data, { ...FAST, candidates: ['gbdt'] });
    const reasons = explain(model, data.rows, { top: 3 });
    for (const list of reasons) {
      const firstAttribute = list.findIndex((r) => r.feature === 'region');
      const behaviouralAfter = list.slice(firstAttribute + 1).some((r) => r.feature !== 'region' && r.contribution >= 0.01);
      if (firstAttribute >= 0) expect(behaviouralAfter).toBe(false);
    }
  });
});

describe('risk bands', () => {
  it('set high at twice the base rate, medium at the base rate, and cap high at a third', () => {
    const bands = fitBands(Float64Array.of(0.05, 0.1, 0.1, 0.2, 0.6, 0.7), 0.25);
    expect(bands).toMatchObject({ high: 0.5, medium: 0.25, baseRate: 0.25 });
    expect([0.1, 0.3, 0.55].map((p) => riskBand(p, bands))).toEqual(['low', 'medium', 'high']);
    // Half the rows above twice the base rate: the threshold rises so at most a third are high.
    const capped = fitBands(Float64Array.of(0.1, 0.1, 0.1, 0.5, 0.6, 0.7), 0.2);
    expect(capped.high).toBeGreaterThan(0.5);
    expect(capped.high).toBeLessThan(0.5 + 1e-9);
    expect([0.1, 0.1, 0.1, 0.5, 0.6, 0.7].filter((p) => riskBand(p, capped) === 'high')).toEqual([0.6, 0.7]);
    // Base rate above one half: twice it is out of reach, so high starts halfway to certainty.
    expect(fitBands(Float64Array.of(0.5, 0.6), 0.6).high).toBeCloseTo(0.8, 12);
  });

  it('report share, churn rate and lift per band', () => {
    const bands = { high: 0.5, medium: 0.25, baseRate: 0.25, rule: 'test' };
    const table = bandTable(Float64Array.of(0.9, 0.6, 0.3, 0.1, 0.1, 0.1, 0.1, 0.1), Float64Array.of(1, 1, 0, 0, 0, 0, 0, 0), bands);
    expect(table).toEqual([
      { band: 'high', count: 2, share: 0.25, churned: 2, churnRate: 1, lift: 4 },
      { band: 'medium', count: 1, share: 0.125, churned: 0, churnRate: 0, lift: 0 },
      { band: 'low', count: 5, share: 0.625, churned: 0, churnRate: 0, lift: 0 },
    ]);
  });
});
