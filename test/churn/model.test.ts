import { describe, expect, it } from 'vitest';
import { activeBackend } from '../../models/churn/backend.ts';
import { contributions, explain, permutationImportance } from '../../models/churn/explain.ts';
import { describeFeature } from '../../models/churn/reason-words.ts';
import { rocAuc } from '../../models/churn/metrics.ts';
import { ChurnModel, subset, train, type Dataset } from '../../models/churn/model.ts';
import type { FeatureRow } from '../../models/churn/columns.ts';
import { featureNames, fitPreprocessor, transform, type NumericColumn } from '../../models/churn/preprocess.ts';
import { seededRandom, stratifiedSplit } from '../../models/churn/random.ts';

/** Customers whose risk rises with days since the last order and with a month-to-month plan; `noise` carries nothing. */
function planted(n: number, seed: number): Dataset {
  const next = seededRandom(seed);
  const rows: FeatureRow[] = [];
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const recency = Math.floor(-Math.log(1 - next()) * 60);
    const plan = next() < 0.5 ? 'monthly' : next() < 0.9 ? 'yearly' : `rare-${i % 7}`;
    const z = 0.03 * recency + (plan === 'monthly' ? 1.2 : -0.8) - 2;
    labels[i] = next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    rows.push({ recency_days: next() < 0.05 ? null : recency, plan, noise: next() });
  }
  return { ids: rows.map((_, i) => `c${i}`), rows, labels };
}

const FAST = { maxEpochs: 15, batchSize: 256, patience: 4 };

describe('preprocessing', () => {
  const rows: FeatureRow[] = [
    { spend: 0, plan: 'a', age: 30 },
    { spend: 1, plan: 'a', age: null },
    { spend: 2, plan: 'b', age: 50 },
    { spend: 1000, plan: 'a', age: 40 },
    { spend: 5, plan: 'b', age: 20 },
  ];
  const prep = fitPreprocessor(rows, { minLevelCount: 2, minLevelShare: 0, hingeKnots: 2 });

  it('learns medians, ranges, log1p terms, hinge knots at training quantiles, one-hot with an other bucket', () => {
    // spend is skewed: log1p replaces the raw value; age keeps its raw value beside log1p. Knots sit at the
    // 1/3 and 2/3 quantiles, strictly inside the range.
    expect(featureNames(prep, 'additive')).toEqual([
      'log1p(spend)', 'max(0,spend-1)', 'max(0,spend-5)', 'plan=a', 'plan=b', 'plan=other',
      'age', 'log1p(age)', 'max(0,age-30)', 'max(0,age-40)', 'age_missing',
    ]);
    expect(featureNames(prep, 'compact')).toEqual(['log1p(spend)', 'plan=a', 'plan=b', 'plan=other', 'age', 'log1p(age)', 'age_missing']);
    expect(prep.columns[0]).toMatchObject({ kind: 'numeric', median: 2, min: 0, max: 1000, missingIndicator: false });
    expect(prep.columns[2]).toMatchObject({ kind: 'numeric', median: 35, min: 20, max: 50, missingIndicator: true });
  });

  it('encodes unseen levels as other, missing values as the training median, and clamps to the training range', () => {
    const age = prep.columns[2] as NumericColumn;
    const scaled = (term: number, v: number) => (v - age.terms[term].mean) / age.terms[term].std;
    const x = transform(prep, [{ spend: 2, plan: 'zzz', age: null }, { spend: 2, plan: 'a', age: 90 }], 'additive');
    const row = (r: number) => Array.from(x.data.slice(r * x.cols, (r + 1) * x.cols));
    expect(row(0).slice(3, 6)).toEqual([0, 0, 1]);
    expect(row(0)[6]).toBeCloseTo(scaled(0, 35), 12);
    expect(row(0)[7]).toBeCloseTo(scaled(1, Math.log1p(35)), 12);
    expect(row(0)[8]).toBeCloseTo(scaled(2, 5), 12);
    expect(row(0)[9]).toBeCloseTo(scaled(3, 0), 12);
    expect(row(0)[10]).toBe(1);
    // 90 is beyond every training age: it scores as the oldest training customer (50), not extrapolated.
    expect(row(1).slice(6, 10)).toEqual([scaled(0, 50), scaled(1, Math.log1p(50)), scaled(2, 20), scaled(3, 10)]);
    expect(row(1)[10]).toBe(0);
  });

  it('survives a JSON round trip unchanged', () => {
    const again = JSON.parse(JSON.stringify(prep));
    for (const inputs of ['additive', 'compact'] as const) {
      expect(Array.from(transform(again, rows, inputs).data)).toEqual(Array.from(transform(prep, rows, inputs).data));
    }
  });
});

describe('churn model on generated data with a planted signal', () => {
  const data = planted(2000, 11);
  const split = stratifiedSplit(data.labels, { testFraction: 0.25, seed: 3 });
  const trainSet = subset(data, split.train);
  const test = subset(data, split.test);

  it('ranks churners (held-out AUC > 0.8), records every candidate\'s inner-CV figures, and saves/loads to identical predictions', async () => {
    const model = await train(trainSet, { ...FAST, candidates: ['gbdt', 'logistic', 'mlp'], seed: 1 });
    const p = model.predict(test.rows);
    expect(rocAuc(p, test.labels)).toBeGreaterThan(0.8);
    const { selection } = model.json;
    expect(selection.folds).toBe(3);
    expect(selection.candidates.map((c) => c.name)).toEqual(['gbdt', 'logistic', 'mlp', 'gbdt+logistic', 'gbdt+mlp', 'logistic+mlp', 'gbdt+logistic+mlp']);
    for (const c of selection.candidates) expect(c.foldAuc).toHaveLength(3);
    // The winner has the best inner-CV AUC; its members are refitted with the epochs/rounds the folds chose.
    const best = Math.max(...selection.candidates.map((c) => c.cvAuc));
    expect(selection.candidates.find((c) => c.name === selection.chosen)!.cvAuc).toBe(best);
    expect(model.json.members.map((m) => m.kind).join('+')).toBe(selection.chosen);
    for (const m of model.json.members) expect(selection.steps[m.kind]).toBeGreaterThan(0);
    expect(model.json.backend).toBe(activeBackend());

    const reloaded = ChurnModel.fromJSON(JSON.parse(JSON.stringify(model)));
    expect(Array.from(reloaded.predict(test.rows))).toEqual(Array.from(p));

    // The planted features matter; the noise column does not.
    const importance = permutationImportance(model, model.tableOf(test.rows), test.labels, { repeats: 2, seed: 1 });
    expect(importance.slice(0, 2).map((i) => i.feature).sort()).toEqual(['plan', 'recency_days']);
    expect(importance.find((i) => i.feature === 'noise')!.aucDrop).toBeLessThan(0.02);

    // A long-silent monthly customer is explained by exactly those two things, in words. (Not silent so long that
    // the risk saturates near 1: then no single other feature moves it, and only recency is a reason.)
    const [reasons] = explain(model, [{ recency_days: 120, plan: 'monthly', noise: 0.5 }], { top: 3 });
    expect(reasons.map((r) => r.feature).slice(0, 2).sort()).toEqual(['plan', 'recency_days']);
    expect(reasons.map((r) => r.text)).toContainEqual(expect.stringMatching(/^no order for 120 days: \+\d+ points?$/));
    expect(reasons.every((r) => r.contribution > 0)).toBe(true);
  });

  it('gives a logistic model\'s contributions as its margin minus the margin with each feature typical', async () => {
    const model = await train(trainSet, { ...FAST, candidates: ['logistic'], seed: 2 });
    expect(model.json.members.map((m) => m.kind)).toEqual(['logistic']);
    const rows = test.rows.slice(0, 200);
    const { values } = contributions(model, rows);
    const margins = (input: FeatureRow[]) => model.memberMargins(model.tableOf(input))[0];
    const base = margins(rows);
    // Saved networks' margins are clipped at p = 1e-7 and 1 - 1e-7 (|margin| about 16.1): where a margin reaches
    // the clip, margin differences are not the model's own, so those customers are left out of the comparison.
    const clipped = new Uint8Array(rows.length);
    const seen = (m: Float64Array) => m.forEach((v, i) => (clipped[i] |= Number(Math.abs(v) > 16)));
    seen(base);
    const F = model.json.features.length;
    const member = model.json.members[0] as { preprocessor: { columns: ({ kind: 'numeric'; name: string; median: number } | { kind: 'categorical'; name: string; levels: string[]; shares: number[] })[] } };
    const checks: (() => void)[] = [];
    for (const column of member.preprocessor.columns) {
      const f = model.json.features.findIndex((feature) => feature.name === column.name);
      const typical = new Float64Array(rows.length);
      const typicalValues = column.kind === 'numeric' ? [[column.median, 1] as const] : [...column.levels, 'other'].map((level, l) => [level, column.shares[l]] as const);
      for (const [value, share] of typicalValues) {
        const withValue = margins(rows.map((row) => ({ ...row, [column.name]: value })));
        seen(withValue);
        withValue.forEach((m, i) => (typical[i] += share * m));
      }
      checks.push(() => {
        for (let i = 0; i < rows.length; i++) if (!clipped[i]) expect(values[i * F + f]).toBeCloseTo(base[i] - typical[i], 9);
      });
    }
    for (const check of checks) check();
    expect(clipped.reduce((n, c) => n + c, 0)).toBeLessThan(rows.length / 4);
  });

  it('is repeatable from its seed', async () => {
    const options = { ...FAST, maxEpochs: 4, candidates: ['gbdt' as const, 'mlp' as const], trees: { rowSubsample: 0.8, featureSubsample: 0.7, maxRounds: 30 }, seed: 5 };
    const small = subset(trainSet, Array.from({ length: 600 }, (_, i) => i));
    const a = await train(small, options);
    const b = await train(small, options);
    expect(Array.from(a.predict(test.rows))).toEqual(Array.from(b.predict(test.rows)));
    expect(JSON.stringify(a.json)).toBe(JSON.stringify(b.json));
  });
});

describe('saved models', () => {
  it('reads a version 1 model (older registry versions) and scores it as it was scored then', () => {
    const v1 = {
      format: 'tierlab-churn' as const,
      version: 1 as const,
      preprocessor: {
        columns: [
          { kind: 'numeric' as const, name: 'spend', median: 2, log: true, mean: 1, std: 2, missingIndicator: false },
          { kind: 'categorical' as const, name: 'plan', levels: ['a'], shares: [0.6, 0.4] },
        ],
      },
      network: { kind: 'logistic' as const, inputSize: 3, layers: [{ units: 1, activation: 'sigmoid' as const, kernel: [0.5, -1, 1], bias: [0.2] }] },
      calibrator: { kind: 'none' as const },
      selection: { chosen: 'logistic' as const, candidates: [], calibration: {} },
      backend: 'cpu' as const,
      trainedRows: 5,
      positiveRate: 0.4,
      seed: 1,
    };
    const model = ChurnModel.fromJSON(v1);
    // Version 1 had no clamping: spend 1000 enters as log1p(1000), scaled.
    const z = 0.2 + (0.5 * (Math.log1p(1000) - 1)) / 2 - 1;
    expect(model.predict([{ spend: 1000, plan: 'a' }])[0]).toBeCloseTo(1 / (1 + Math.exp(-z)), 12);
    const resaved = ChurnModel.fromJSON(JSON.parse(JSON.stringify(model)));
    expect(resaved.predict([{ spend: 1000, plan: 'a' }])[0]).toBeCloseTo(1 / (1 + Math.exp(-z)), 12);
  });
});

describe('saved models, format 2', () => {
  it('reads a format 2 model (one network, fixed bands) and scores it as it was scored then', () => {
    const v2 = {
      format: 'tierlab-churn' as const,
      version: 2 as const,
      preprocessor: {
        columns: [
          { kind: 'numeric' as const, name: 'spend', median: 2, min: 0, max: 10, terms: [{ transform: 'raw' as const, mean: 1, std: 2 }], missingIndicator: false },
          { kind: 'categorical' as const, name: 'plan', levels: ['a'], shares: [0.6, 0.4] },
        ],
      },
      network: { kind: 'logistic' as const, inputs: 'compact' as const, inputSize: 3, layers: [{ units: 1, activation: 'sigmoid' as const, kernel: [0.5, -1, 1], bias: [0.2] }] },
      calibrator: { kind: 'platt' as const, slope: 2, intercept: -0.5 },
      selection: { chosen: 'logistic' as const, candidates: [{ kind: 'logistic' as const, validationAuc: 0.8 }], calibration: {} },
      backend: 'wasm' as const,
      trainedRows: 5,
      positiveRate: 0.4,
      seed: 1,
    };
    const model = ChurnModel.fromJSON(v2);
    // spend 50 is clamped to the training max 10; plan 'a' is the first one-hot column.
    const z = 0.2 + (0.5 * (10 - 1)) / 2 - 1;
    const p = 1 / (1 + Math.exp(-z));
    const calibrated = 1 / (1 + Math.exp(-(2 * Math.log(p / (1 - p)) - 0.5)));
    expect(model.predict([{ spend: 50, plan: 'a' }])[0]).toBeCloseTo(calibrated, 12);
    expect(model.json.bands).toMatchObject({ high: 0.5, medium: 0.25 });
    expect(model.json.selection.chosen).toBe('logistic');
    const resaved = ChurnModel.fromJSON(JSON.parse(JSON.stringify(model)));
    expect(resaved.predict([{ spend: 50, plan: 'a' }])[0]).toBeCloseTo(calibrated, 12);
  });
});

describe('reasons in words', () => {
  it('says known features and generic ones plainly', () => {
    expect(describeFeature('recency_days', 143, 20)).toBe('no order for 143 days');
    expect(describeFeature('spend_trend', -3 / 7, 0)).toBe('spend down 60% vs prior quarter');
    expect(describeFeature('spend_trend', -1, 0)).toBe('stopped spending vs prior quarter');
    expect(describeFeature('contract', 'Month-to-month', 'Two year')).toBe('Month-to-month contract');
    expect(describeFeature('negative_feedback_count', 2, 0)).toBe('2 negative reviews');
    expect(describeFeature('negative_share', 0.5, 0)).toBe('50% of feedback negative');
    expect(describeFeature('orders_90d', 0, 1)).toBe('no orders in the last 90 days');
    // Two orders minutes apart: not "orders every 0 days".
    expect(describeFeature('mean_days_between_orders', 0.004, 29)).toBe('orders less than a day apart on average');
    expect(describeFeature('mean_days_between_orders', 12.6, 29)).toBe('orders every 13 days on average');
    expect(describeFeature('senior_citizen', 1, 0)).toBe('senior citizen');
    expect(describeFeature('monthly_charges', 104.2, 70.35)).toBe('monthly charges 104 (typical 70.4)');
  });
});
