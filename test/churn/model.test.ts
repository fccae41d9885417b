import { describe, expect, it } from 'vitest';
import { activeBackend } from '../../models/churn/backend.ts';
import { describeFeature, explain, permutationImportance } from '../../models/churn/explain.ts';
import { rocAuc } from '../../models/churn/metrics.ts';
import { ChurnModel, subset, train, type Dataset } from '../../models/churn/model.ts';
import { fitPreprocessor, transform, type FeatureRow } from '../../models/churn/preprocess.ts';
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
  const prep = fitPreprocessor(rows, { minLevelCount: 2, minLevelShare: 0 });

  it('learns medians, log1p for skewed money, one-hot with an other bucket, missing indicators', () => {
    expect(prep.featureNames).toEqual(['spend', 'plan=a', 'plan=b', 'plan=other', 'age', 'age_missing']);
    const spend = prep.columns[0];
    const age = prep.columns[2];
    expect(spend).toMatchObject({ kind: 'numeric', log: true, median: 2, missingIndicator: false });
    expect(age).toMatchObject({ kind: 'numeric', log: false, median: 35, missingIndicator: true });
  });

  it('encodes unseen levels as other and missing values as the training median', () => {
    const x = transform(prep, [{ spend: 2, plan: 'zzz', age: null }]);
    const age = prep.columns[2] as { mean: number; std: number };
    expect(Array.from(x.data.slice(1, 4))).toEqual([0, 0, 1]);
    expect(x.data[4]).toBeCloseTo((35 - age.mean) / age.std, 12);
    expect(x.data[5]).toBe(1);
  });

  it('survives a JSON round trip unchanged', () => {
    const again = JSON.parse(JSON.stringify(prep));
    expect(Array.from(transform(again, rows).data)).toEqual(Array.from(transform(prep, rows).data));
  });
});

describe('churn model on generated data with a planted signal', () => {
  const data = planted(2000, 11);
  const split = stratifiedSplit(data.labels, { testFraction: 0.25, seed: 3 });
  const trainSet = subset(data, split.train);
  const test = subset(data, split.test);

  it('ranks churners (held-out AUC > 0.8), records its choice, and saves/loads to identical predictions', async () => {
    const model = await train(trainSet, { ...FAST, seed: 1 });
    const p = model.predict(test.rows);
    expect(rocAuc(p, test.labels)).toBeGreaterThan(0.8);
    expect(model.json.selection.candidates.map((c) => c.kind)).toEqual(['logistic', 'mlp']);
    expect(model.json.selection.chosen).toBe(model.json.network.kind);
    expect(model.json.backend).toBe(activeBackend());

    const reloaded = ChurnModel.fromJSON(JSON.parse(JSON.stringify(model)));
    expect(Array.from(reloaded.predict(test.rows))).toEqual(Array.from(p));

    // The planted features matter; the noise column does not.
    const importance = permutationImportance(model, test.rows, test.labels, { repeats: 2, seed: 1 });
    expect(importance.slice(0, 2).map((i) => i.feature).sort()).toEqual(['plan', 'recency_days']);
    expect(importance.find((i) => i.feature === 'noise')!.aucDrop).toBeLessThan(0.02);

    // A long-silent monthly customer is explained by exactly those two things, in words.
    const [reasons] = explain(model, [{ recency_days: 300, plan: 'monthly', noise: 0.5 }], { top: 3 });
    expect(reasons.map((r) => r.feature).slice(0, 2).sort()).toEqual(['plan', 'recency_days']);
    expect(reasons.map((r) => r.text)).toContain('no order for 300 days');
    expect(reasons.every((r) => r.contribution > 0)).toBe(true);
  });

  it('is repeatable from its seed', async () => {
    const options = { ...FAST, maxEpochs: 4, candidates: ['mlp' as const], seed: 5 };
    const small = subset(trainSet, Array.from({ length: 600 }, (_, i) => i));
    const a = await train(small, options);
    const b = await train(small, options);
    expect(Array.from(a.predict(test.rows))).toEqual(Array.from(b.predict(test.rows)));
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
    expect(describeFeature('senior_citizen', 1, 0)).toBe('senior citizen');
    expect(describeFeature('monthly_charges', 104.2, 70.35)).toBe('monthly charges 104 (typical 70.4)');
  });
});
