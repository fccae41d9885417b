import { beforeAll, describe, expect, it } from 'vitest';
import type { FeatureRow } from '../../models/churn/columns.ts';
import { explainTable, permutationImportance } from '../../models/churn/explain.ts';
import { ModelThreads, workersFor } from '../../models/churn/model-threads.ts';
import { train, type ChurnModel, type Dataset } from '../../models/churn/model.ts';
import { seededRandom } from '../../models/churn/random.ts';
import { scoreCustomers, type ExpectedValues } from '../../models/churn/score.ts';

/** Customers with a number, a category and gaps: risk rises with days since the last order and a monthly plan. */
function customers(n: number, seed: number): Dataset {
  const next = seededRandom(seed);
  const rows: FeatureRow[] = Array.from({ length: n }, (_, i) => ({
    recency_days: next() < 0.05 ? null : Math.floor(-Math.log(1 - next()) * 60),
    plan: next() < 0.5 ? 'monthly' : next() < 0.9 ? 'yearly' : null,
    spend: Math.round(next() * 500),
    id_digit: i % 10,
  }));
  const labels = Float64Array.from(rows, (r) => (next() < 1 / (1 + Math.exp(-(0.03 * ((r.recency_days as number) ?? 30) + (r.plan === 'monthly' ? 1 : -1) - 2))) ? 1 : 0));
  return { ids: rows.map((_, i) => `c${i}`), rows, labels };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('churn scoring shared with worker threads', () => {
  const data = customers(1500, 4);
  let trees: ChurnModel;
  let logistic: ChurnModel;
  beforeAll(async () => {
    trees = await train(data, { candidates: ['gbdt'], seed: 1 });
    logistic = await train(data, { candidates: ['logistic'], seed: 1, maxEpochs: 20, patience: 3 });
  });

  it('gives every row the probability and reasons the model gives on one thread, in row order', async () => {
    for (const model of [trees, logistic]) {
      const table = model.tableOf(data.rows);
      const threads = ModelThreads.start(model, { workers: 2 });
      try {
        expect(Array.from(await threads.predict(table))).toEqual(Array.from(model.predictTable(table)));
        expect(await threads.explain(table, { top: 2 })).toEqual(explainTable(model, table, { top: 2 }));
        // Fewer rows than threads: the empty parts add nothing.
        const one = model.tableOf(data.rows.slice(0, 1));
        expect(Array.from(await threads.predict(one))).toEqual(Array.from(model.predictTable(one)));
      } finally {
        await threads.close();
      }
    }
  });

  it('measures permutation importance on a worker as on this thread', async () => {
    const table = logistic.tableOf(data.rows);
    const threads = ModelThreads.start(logistic, { workers: 1 });
    try {
      const measuring = threads.importance(table, data.labels, { seed: 3, repeats: 2 });
      const here = permutationImportance(logistic, table, data.labels, { seed: 3, repeats: 2 });
      expect(await measuring).toEqual(here);
      expect(here[0].aucDrop).toBeGreaterThan(0.01);
    } finally {
      await threads.close();
    }
  });

  it('scores customers the same with workers as without', async () => {
    const scoring = { asOf: '2024-07-01', ids: data.ids, table: trees.tableOf(data.rows) };
    const expected: ExpectedValues['values'] = new Map(data.ids.map((id, i) => [id, { value: 10 * (i % 50), source: 'trailing_12m_spend' as const }]));
    const alone = await collect(scoreCustomers(trees, scoring, expected, { workers: 0, batchRows: 400, explainTop: 50 }));
    // With a progress callback among the options, as the churn stage passes one (only the explain settings go to a worker).
    let batches = 0;
    const shared = await collect(scoreCustomers(trees, scoring, expected, { workers: 2, batchRows: 400, explainTop: 50, onBatch: () => batches++ }));
    expect(shared).toEqual(alone);
    expect(batches).toBe(4);
    expect(alone.filter((c) => c.reasons.length).length).toBeGreaterThan(100);
  });

  it('starts workers only when the rows pay for them, one fewer than the cores', () => {
    expect(workersFor(800_000, 2)).toBe(1);
    expect(workersFor(1_000_000, 8)).toBe(7);
    expect(workersFor(60_000, 8)).toBe(1);
    expect(workersFor(10_000, 8)).toBe(0);
    expect(workersFor(1_000_000, 1)).toBe(0);
  });

  it('refuses work after it is closed instead of waiting for a worker that is gone', async () => {
    const threads = ModelThreads.start(trees, { workers: 1 });
    await threads.close();
    await expect(threads.predict(trees.tableOf(data.rows))).rejects.toThrow(/closed/);
  });
});
