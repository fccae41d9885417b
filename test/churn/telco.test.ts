import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataDir } from '../../data/paths.ts';
import { evaluate } from '../../models/churn/evaluate.ts';
import { explain } from '../../models/churn/explain.ts';
import { subset, train } from '../../models/churn/model.ts';
import { predictTable, tableOf } from '../../models/churn/feature-table.ts';
import { stratifiedSplit } from '../../models/churn/random.ts';
import { readTelco } from '../../models/churn/telco.ts';

const file = join(sharedDataDir, 'telco_churn.csv');

describe.skipIf(!existsSync(file))('telecom churn table (needs ../shared/data)', () => {
  it('reads 7,043 customers, 1,869 churned, 11 missing total charges', async () => {
    const data = await readTelco(file);
    expect(data.rows).toHaveLength(7043);
    expect(data.labels.reduce((s, y) => s + y, 0)).toBe(1869);
    expect(data.rows.filter((r) => r.total_charges === null)).toHaveLength(11);
  });

  it('trains to a sensible held-out AUC, beats the tenure baseline, and gives contract-style reasons', async () => {
    const data = await readTelco(file);
    const split = stratifiedSplit(data.labels, { testFraction: 0.2, seed: 42 });
    const trainSet = subset(data, split.train);
    const test = subset(data, split.test);
    const model = await train(trainSet, { maxEpochs: 20 });
    const evaluation = evaluate(model, { train: tableOf(trainSet), test: tableOf(test) });
    expect(evaluation.roc_auc).toBeGreaterThan(0.8);
    expect(evaluation.baseline?.feature).toBe('tenure');
    expect(evaluation.roc_auc).toBeGreaterThan(evaluation.baseline!.roc_auc);
    expect(evaluation.lift[0].lift).toBeGreaterThan(2);
    const risky = test.rows.filter((r) => r.contract === 'Month-to-month' && r.tenure === 1).slice(0, 20);
    const texts = explain(model, risky, { top: 3 }).flat().map((r) => r.text);
    expect(texts).toContainEqual(expect.stringMatching(/^Month-to-month contract: \+\d+ points?$/));
    // senior_citizen and female are protected: not in the model, never a reason.
    expect(model.json.protected.columns.sort()).toEqual(['female', 'senior_citizen']);
    expect(texts.filter((t) => /senior|female/.test(t))).toEqual([]);

    // Scoring a table in batches smaller than it gives the scores of its rows scored at once, also for a
    // contract never seen in training and for missing values.
    const odd = test.rows.map((r, i) => (i % 7 === 0 ? { ...r, contract: 'Weekly', tenure: null } : i % 11 === 0 ? { ...r, contract: null } : r));
    const columnar = predictTable(model, tableOf({ ...test, rows: odd }).table, 500);
    expect(Array.from(columnar)).toEqual(Array.from(model.predict(odd)));
  });
});
