import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../data/demo.ts';
import { Store } from '../../data/store.ts';
import { defaultAsOf, resolveAsOf, shiftDate } from '../../data/dates.ts';
import { buildFeatures } from '../../data/features.ts';
import { buildCustomerFeatures } from '../../models/features.ts';
import { behaviouralDataset, behaviouralLabels, behaviouralScoring, explicitDataset } from '../../models/churn/dataset.ts';
import { finalRows, runChurnStage, stratifiedSample } from '../../models/churn/pipeline.ts';
import { predictTable, tableOf, tableRows } from '../../models/churn/feature-table.ts';
import { riskBand } from '../../models/churn/bands.ts';
import { explain } from '../../models/churn/explain.ts';
import { expectedValues, scoreCustomers, writeChurnTable, type ScoredCustomer } from '../../models/churn/score.ts';
import { atRiskList } from '../../services/at-risk.ts';

const CUTOFF = '2024-04-02'; // T = 2024-07-01, H = 90 days: the label window is [2024-04-02, 2024-07-01)

async function order(store: Store, customer: string, id: string, timestamp: string, amount: number) {
  await store.run('INSERT INTO transactions (customer_id, order_id, timestamp, amount) VALUES ($1, $2, $3::TIMESTAMPTZ, $4)', [customer, id, timestamp, amount]);
}

async function history(): Promise<Store> {
  const store = await Store.open({ path: ':memory:' });
  for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) await store.run('INSERT INTO customers VALUES ($1, DATE \'2023-12-01\', NULL)', [id]);
  await order(store, 'a', 'a1', '2024-01-10 10:00:00+00', 50);
  await order(store, 'a', 'a2', '2024-05-01 10:00:00+00', 20); // buys inside the window: retained
  await order(store, 'b', 'b1', '2024-02-01 10:00:00+00', 80); // silent afterwards: churned
  await order(store, 'c', 'c1', '2024-05-01 10:00:00+00', 30); // first order inside the window: not eligible
  await order(store, 'd', 'd1', '2024-03-01 10:00:00+00', 40);
  await order(store, 'd', 'd2', '2024-04-10 10:00:00+00', -40); // only a return inside the window: churned
  await order(store, 'e', 'e1', '2024-03-15 10:00:00+00', 60);
  await order(store, 'e', 'e2', '2024-07-01 00:00:00+00', 60); // at T, after the window: churned
  await order(store, 'f', 'f1', '2024-01-01 10:00:00+00', 10);
  await order(store, 'f', 'f2', '2024-04-02 00:00:00+00', 10); // at the cutoff, inside the window: retained
  return store;
}

describe('behavioural labels on a hand-made history', () => {
  let store: Store;
  beforeAll(async () => (store = await history()));
  afterAll(() => store.close());

  it('labels customers active before the cutoff by whether they buy in the next H days', async () => {
    const labels = await behaviouralLabels(store, { cutoff: CUTOFF, horizonDays: 90 });
    expect(labels).toEqual([
      { customer_id: 'a', churned: 0 },
      { customer_id: 'b', churned: 1 },
      { customer_id: 'd', churned: 1 },
      { customer_id: 'e', churned: 1 },
      { customer_id: 'f', churned: 0 },
    ]);
  });

  it('training features never see the label window', async () => {
    const before = await behaviouralDataset(store, { cutoff: CUTOFF, horizonDays: 90 });
    expect(tableRows(before.table)[before.ids.indexOf('a')].frequency).toBe(1);
    // Rewrite the label window: b now buys, a's purchase disappears, e buys twice more.
    await order(store, 'b', 'b2', '2024-06-01 10:00:00+00', 999);
    await store.run("DELETE FROM transactions WHERE order_id = 'a2'");
    await order(store, 'e', 'e3', '2024-04-03 10:00:00+00', 500);
    const after = await behaviouralDataset(store, { cutoff: CUTOFF, horizonDays: 90 });
    expect(after.ids).toEqual(before.ids);
    expect(after.table).toEqual(before.table);
    expect(Array.from(after.labels)).not.toEqual(Array.from(before.labels));
    expect(after.labels[after.ids.indexOf('b')]).toBe(0);
    expect(after.labels[after.ids.indexOf('a')]).toBe(1);
  });

  it('expected value falls back to trailing 12-month spend, and says so per customer', async () => {
    const { source, values } = await expectedValues(store, { asOf: '2024-03-02' });
    expect(source).toMatch(/^trailing 12-month spend/);
    expect(values.get('a')).toEqual({ value: 50, source: 'trailing_12m_spend' });
    expect(values.get('d')).toEqual({ value: 40, source: 'trailing_12m_spend' });
    expect(values.has('c')).toBe(false);
  });
});

describe('explicit labels, the churn table and the at-risk list', () => {
  let store: Store;
  beforeAll(async () => {
    store = await Store.open({ path: ':memory:' });
    await store.run(`INSERT INTO customers VALUES ('x', NULL, true), ('y', NULL, false), ('z', NULL, NULL)`);
    await store.run(`INSERT INTO customer_attributes VALUES ('x', 'contract', 'categorical', NULL, 'Month-to-month'),
      ('x', 'tenure', 'numeric', 2, NULL), ('y', 'tenure', 'numeric', 40, NULL), ('z', 'contract', 'categorical', NULL, 'Two year')`);
  });
  afterAll(() => store.close());

  it('trains on customers with churned set and scores everyone', async () => {
    const { train, score } = await explicitDataset(store, { asOf: '2024-01-01' });
    expect(train.ids).toEqual(['x', 'y']);
    expect(Array.from(train.labels)).toEqual([1, 0]);
    expect(tableRows(train.table)).toEqual([{ contract: 'Month-to-month', tenure: 2 }, { contract: null, tenure: 40 }]);
    expect(score.ids).toEqual(['x', 'y', 'z']);
  });

  it('replaces customer_churn and ranks by value at risk', async () => {
    const bands = { high: 0.5, medium: 0.25, baseRate: 0.25, rule: 'test' };
    const scored = (p: number, id: string, value: number | null): ScoredCustomer => ({
      customer_id: id, churn_probability: p, risk_band: riskBand(p, bands), expected_value: value, expected_value_source: value === null ? null : 'trailing_12m_spend',
      value_at_risk: value === null ? null : p * value, reasons: [{ feature: 'tenure', value: 2, reference: 12, contribution: 0.1, text: 'customer for 2 months' }],
    });
    for (const id of ['x', 'y', 'z']) await store.run("INSERT INTO customers VALUES ($1, DATE '2023-12-01', NULL) ON CONFLICT DO NOTHING", [id]);
    await buildFeatures(store);
    const home = mkdtempSync(join(tmpdir(), 'at-risk-'));
    const list = async (options: Parameters<typeof atRiskList>[2] = {}) => (await atRiskList(store, home, options)).rows;
    await writeChurnTable(store, [scored(0.9, 'x', 10), scored(0.3, 'y', 100), scored(0.6, 'z', null)]);
    const rows = await list();
    expect(rows.map((r) => [r.customer_id, r.risk_band])).toEqual([['y', 'medium'], ['x', 'high'], ['z', 'high']]);
    expect(rows[0].reasons).toEqual([{ feature: 'tenure', direction: 'raises', value: 2, level: null, reference: 12, contribution: 0.1, text: 'customer for 2 months' }]);
    expect((await list({ filter: { min_risk: 0.5 }, limit: 1 })).map((r) => r.customer_id)).toEqual(['x']);
    expect(await atRiskList(store, home, { filter: { min_risk: 0.5 }, limit: 1 })).toMatchObject({ total: 2 });
    // Customers without a score (here every customer but x) are not on the list.
    await writeChurnTable(store, [scored(0.1, 'x', 10)]);
    expect((await list()).map((r) => [r.customer_id, r.risk_band])).toEqual([['x', 'low']]);
    await expect(list({ filter: { value_tier: 'VIP' } })).rejects.toThrow(/value_tier is not computed yet/);
  });
});

describe('the churn stage end to end on generated data', () => {
  it('backtests behavioural churn out of time and scores every active customer', async () => {
    const store = await Store.open({ path: ':memory:' });
    try {
      await loadDemo(store, { customers: 800, seed: 3 });
      const result = await runChurnStage(store, { label: 'behavioural', horizonDays: 90, train: { maxEpochs: 10, patience: 3 } });
      expect(result.evaluation.bands.table.map((b) => b.band)).toEqual(['high', 'medium', 'low']);
      expect(result.split).toMatch(/^out-of-time/);
      expect(result.evaluation.roc_auc).toBeGreaterThan(0.6);
      expect(result.evaluation.baseline?.feature).toBe('recency_days');
      const { n, bad } = (await store.one<{ n: number; bad: number }>(
        `SELECT count(*) AS n, count(*) FILTER (WHERE churn_probability NOT BETWEEN 0 AND 1 OR risk_band NOT IN ('high', 'medium', 'low')) AS bad FROM customer_churn`,
      ))!;
      expect(n).toBe(result.scored);
      expect(n).toBeGreaterThan(500);
      expect(bad).toBe(0);

      // Scoring in batches (as at a million customers) writes the same table as scoring everyone at once.
      const scoring = await behaviouralScoring(store, { asOf: await defaultAsOf(store) });
      // A retrain scores from the features its features stage built as of the same date: the same rows and values.
      await buildCustomerFeatures(store, { asOf: scoring.asOf });
      expect(await behaviouralScoring(store, { asOf: scoring.asOf, built: 'customer_features' })).toEqual(scoring);
      const expected = await expectedValues(store, { asOf: scoring.asOf });
      const table = async () => store.all('SELECT * FROM customer_churn ORDER BY customer_id');
      await writeChurnTable(store, scoreCustomers(result.model, scoring, expected.values, { batchRows: scoring.ids.length }));
      const inMemory = await table();
      await writeChurnTable(store, scoreCustomers(result.model, scoring, expected.values, { batchRows: 37 }));
      expect(await table()).toEqual(inMemory);
      expect(inMemory.length).toBe(scoring.ids.length);

      // Reasons only where a page lists the customer: high and medium risk, and the top by value at risk.
      const everyone = await collect(scoreCustomers(result.model, scoring, expected.values));
      // Scoring explains a batch's columns; explaining the same customers as row objects gives the same reasons.
      expect(everyone.slice(0, 60).map((c) => c.reasons)).toEqual(explain(result.model, tableRows(scoring.table, 0, 60)));
      expect(everyone.slice(0, 60).filter((c) => c.reasons.length).length).toBeGreaterThan(20);
      const listedOnly = await collect(scoreCustomers(result.model, scoring, expected.values, { explainTop: 5, batchRows: 101 }));
      const top = everyone.filter((c) => c.value_at_risk !== null).map((c) => c.value_at_risk!).sort((a, b) => b - a)[4];
      const listed = (c: (typeof everyone)[number]) => c.risk_band !== 'low' || (c.value_at_risk ?? -Infinity) >= top;
      expect(everyone.filter((c) => c.risk_band === 'low').length).toBeGreaterThan(10);
      listedOnly.forEach((c, i) => {
        expect({ ...c, reasons: [] }).toEqual({ ...everyone[i], reasons: [] });
        expect(c.reasons).toEqual(listed(c) ? everyone[i].reasons : []);
      });
      expect(listedOnly.filter((c, i) => !c.reasons.length && everyone[i].reasons.length).length).toBeGreaterThan(10);
    } finally {
      store.close();
    }
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const takeFirst = (data: ReturnType<typeof tableOf>, n: number) => tableOf({ ids: data.ids.slice(0, n), rows: tableRows(data.table, 0, n), labels: data.labels.slice(0, n) });

describe('training on a stratified sample', () => {
  it('keeps each class share and the rows it picks, and leaves small data whole', () => {
    const labels = Float64Array.from({ length: 1000 }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const data = tableOf({ ids: Array.from(labels, (_, i) => `c${i}`), rows: Array.from(labels, (_, i) => ({ x: i })), labels });
    const sample = stratifiedSample(data, 100, 7);
    expect(sample.labels.length).toBe(100);
    expect(sample.labels.reduce((s, y) => s + y, 0)).toBe(20);
    const rows = tableRows(sample.table);
    sample.ids.forEach((id, i) => expect(rows[i]).toEqual({ x: Number(id.slice(1)) }));
    expect(stratifiedSample(data, 1000, 7)).toBe(data);
  });

  it('splits the final rows into the training sample and left-over rows to calibrate on, when there are enough', () => {
    const labels = Float64Array.from({ length: 3000 }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const data = tableOf({ ids: Array.from(labels, (_, i) => `c${i}`), rows: Array.from(labels, (_, i) => ({ x: i })), labels });
    const { fit, calibration } = finalRows(data, 500, 7);
    expect(fit.ids).toEqual(stratifiedSample(data, 500, 7).ids);
    expect(calibration!.labels.length).toBe(500);
    expect(calibration!.labels.reduce((s, y) => s + y, 0)).toBe(125);
    const inFit = new Set(fit.ids);
    expect(calibration!.ids.some((id) => inFit.has(id))).toBe(false);
    // 1,400 rows leave 900 over: too few to calibrate on, so the final model chooses for itself.
    expect(finalRows(takeFirst(data, 1400), 500, 7).calibration).toBeUndefined();
    expect(finalRows(data, 3000, 7)).toEqual({ fit: data });
  });

  it("refits the final model with the evaluation model's choice when the labelled rows outnumber the sample", async () => {
    const store = await Store.open({ path: ':memory:' });
    try {
      await loadDemo(store, { customers: 4000, seed: 5 });
      const result = await runChurnStage(store, { label: 'behavioural', horizonDays: 90, maxTrainRows: 600, train: { maxEpochs: 10, patience: 3 } });
      expect(result.split).toContain("the final model refitted with the evaluation model's members and steps, calibrated on 600 labelled rows");
      const { model, evalModel } = result;
      expect(model.json.members.map((m) => m.kind)).toEqual(evalModel.json.members.map((m) => m.kind));
      expect(model.json.selection.steps).toEqual(evalModel.json.selection.steps);
      expect(model.json.trainedRows).toBe(600);
      // Calibrated on the left-over rows: there the mean risk is their churn rate.
      const all = await behaviouralDataset(store, { cutoff: shiftDate(await resolveAsOf(store, undefined), -90), horizonDays: 90 });
      const { calibration } = finalRows(all, 600, 42);
      const p = predictTable(model, calibration!.table);
      const mean = (xs: Float64Array) => xs.reduce((s, v) => s + v, 0) / xs.length;
      expect(Math.abs(mean(p) - mean(calibration!.labels))).toBeLessThan(0.02);
      expect(model.json.calibrator.kind).not.toBe('none');
    } finally {
      store.close();
    }
  });

  it('trains the churn stage on the sample and says so', async () => {
    const store = await Store.open({ path: ':memory:' });
    try {
      await loadDemo(store, { customers: 800, seed: 3 });
      const result = await runChurnStage(store, { label: 'behavioural', horizonDays: 90, maxTrainRows: 300, maxEvaluationRows: 250, train: { maxEpochs: 10, patience: 3 } });
      expect(result.split).toContain('stratified sample of at most 300 labelled rows');
      expect(result.split).toMatch(/evaluated on a stratified sample of 25\d of the \d+ held-out rows/);
      expect(result.evaluation.rows).toBe(result.test.labels.length);
      expect(result.test.labels.length).toBeLessThan(260);
      // The class shares of the held-out rows are kept.
      const share = (labels: Float64Array) => labels.reduce((s, y) => s + y, 0) / labels.length;
      const all = await behaviouralDataset(store, { cutoff: shiftDate(await resolveAsOf(store, undefined), -90), horizonDays: 90 });
      expect(Math.abs(share(result.test.labels) - share(all.labels))).toBeLessThan(0.02);
      expect(result.evaluation.roc_auc).toBeGreaterThan(0.6);
      expect(result.scored).toBeGreaterThan(500);
    } finally {
      store.close();
    }
  });
});
