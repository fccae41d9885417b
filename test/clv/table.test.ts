import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sharedDataDir } from '../../data/paths.ts';
import { Store, literal } from '../../data/store.ts';
import { expectedOrderValue } from '../../models/clv/gammagamma.ts';
import { simulateTransactions } from '../../models/clv/simulate.ts';
import { purchaseModel } from '../../models/clv/catalog.ts';
import { predictCustomers } from '../../models/clv/predict.ts';
import { summarize, type TransactionArrays } from '../../models/clv/summary.ts';
import { NO_DROPOUT_NOTE, readTransactions, writeClv } from '../../models/clv/table.ts';
import { clvFit } from '../../services/clv.ts';

let store: Store | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

async function storeWith(tx: TransactionArrays): Promise<Store> {
  const s = await Store.open({ path: ':memory:' });
  const values = Array.from(tx.customerIds, (id, i) => `(${literal(id)}, 'o${i}', to_timestamp(${tx.timesMs[i] / 1000}), ${tx.amounts[i]})`);
  for (let k = 0; k < values.length; k += 5000) {
    await s.run(`INSERT INTO transactions (customer_id, order_id, timestamp, amount) VALUES ${values.slice(k, k + 5000).join(',')}`);
  }
  return s;
}

interface ClvRow {
  customer_id: string;
  clv_frequency: number;
  clv_recency: number;
  clv_age: number;
  clv_unit: string;
  p_alive: number | null;
  expected_purchases_12m: number;
  next_order_date: string | null;
  predicted_aov: number | null;
  clv_12m: number | null;
  clv_note: string | null;
}

describe('customer_clv in the store', () => {
  it('reads transactions before asOf, treats return days by the rule, writes one row per ordering customer', async () => {
    const sim = simulateTransactions({ customers: 800, seed: 5, bgnbd: { r: 0.5, alpha: 5, a: 0.8, b: 2.5 }, gammaGamma: { p: 6, q: 4, gamma: 15 } });
    const day = (d: number) => Date.UTC(1970, 0, 1 + d);
    // A returner (order, later return-only day), a one-time buyer, and a line on asOf itself (must be ignored).
    const tx: TransactionArrays = {
      customerIds: [...Array.from(sim.tx.customerIds), 'ret', 'ret', 'ret', 'once', 'late'],
      timesMs: [...Array.from(sim.tx.timesMs), day(10), day(20), day(30), day(50), day(273)],
      amounts: [...Array.from(sim.tx.amounts), 40, -40, 25, 30, 99],
    };
    store = await storeWith(tx);
    const read = await readTransactions(store, { before: sim.asOf });
    expect(read.customerIds).not.toContain('late');

    const run = await writeClv(store, { asOf: sim.asOf, unit: 'week' });
    expect(run.columns).toEqual({ expectedPurchases: 'expected_purchases_12m', clv: 'clv_12m' });
    const rows = await store.all<ClvRow>('SELECT * FROM customer_clv ORDER BY customer_id');
    expect(rows.length).toBe(802);
    expect(run.customers).toBe(802);
    const ret = rows.find((r) => r.customer_id === 'ret')!;
    expect(ret.clv_frequency).toBe(1); // days 10 and 30; the return-only day 20 is no order
    expect(ret.clv_recency).toBeCloseTo(20 / 7, 10);
    expect(ret.clv_age).toBeCloseTo((272 - 10) / 7, 10);
    const once = rows.find((r) => r.customer_id === 'once')!;
    // A one-time buyer is alive for sure under BG/NBD only; the others let them have left.
    const model = purchaseModel(run.purchase.model);
    expect(once.p_alive).toBeCloseTo(model.probabilityAlive(run.purchase.params, 0, 0, once.clv_age), 12);
    if (run.purchase.model === 'bgnbd') expect(once.p_alive).toBe(1);
    expect(once.predicted_aov).toBeCloseTo(expectedOrderValue(run.gammaGamma.params, 0, 0), 8);
    expect(once.clv_12m).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.p_alive).toBeGreaterThan(0);
      expect(r.p_alive).toBeLessThanOrEqual(1);
      expect(r.expected_purchases_12m).toBeGreaterThanOrEqual(0);
      if (r.next_order_date !== null) {
        expect(r.next_order_date.slice(0, 10) >= sim.asOf).toBe(true);
        expect(r.next_order_date.slice(0, 10) <= '1971-10-01').toBe(true);
      }
    }
    expect(rows.some((r) => r.next_order_date !== null)).toBe(true);
    expect(rows.every((r) => r.clv_note === null)).toBe(true);
  });

  it('leaves p_alive empty, with a note, when the fit finds no dropout', async () => {
    // Beta(1e-9, 2.5) dropout: nobody ever leaves, the case bgnbd.ts flags as noDropout.
    const sim = simulateTransactions({ customers: 2_000, seed: 7, bgnbd: { r: 0.5, alpha: 6, a: 1e-9, b: 2.5 }, gammaGamma: { p: 6, q: 4, gamma: 15 } });
    store = await storeWith(sim.tx);
    const run = await writeClv(store, { asOf: sim.asOf, unit: 'week' });
    expect(run.purchase.noDropout).toBe(true);
    const rows = await store.all<ClvRow>('SELECT * FROM customer_clv');
    expect(rows.length).toBe(run.customers);
    expect(rows.every((r) => r.p_alive === null && r.clv_note === NO_DROPOUT_NOTE)).toBe(true);
    expect(rows.every((r) => r.expected_purchases_12m >= 0)).toBe(true);
  });

  it('replaces the table on a rerun and names the columns after another horizon', async () => {
    const sim = simulateTransactions({ customers: 500, seed: 8, bgnbd: { r: 0.5, alpha: 5, a: 0.8, b: 2.5 }, gammaGamma: { p: 6, q: 4, gamma: 15 } });
    store = await storeWith(sim.tx);
    await writeClv(store, { asOf: sim.asOf });
    const run = await writeClv(store, { asOf: '1970-02-15', unit: 'day', horizonMonths: 6 });
    const columns = (await store.all<{ column_name: string }>(`SELECT column_name FROM duckdb_columns() WHERE table_name = 'customer_clv'`)).map((c) => c.column_name);
    expect(columns).toContain('clv_6m');
    expect(columns).not.toContain('clv_12m');
    const [{ n }] = await store.all<{ n: number }>('SELECT count(*) AS n FROM customer_clv');
    expect(n).toBe(run.customers);
    expect(run.customers).toBeLessThan(500);
  });

  it('writes every customer, with the predictions of the sampled fit', async () => {
    const sim = simulateTransactions({ customers: 3_000, seed: 9, bgnbd: { r: 0.5, alpha: 5, a: 0.8, b: 2.5 }, gammaGamma: { p: 6, q: 4, gamma: 15 } });
    store = await storeWith(sim.tx);
    const run = await writeClv(store, { asOf: sim.asOf, maxFitCustomers: 1_000, seed: 3 });
    expect(run.customers).toBe(3_000);
    expect(run.purchase.customers).toBe(1_000);
    const rows = await store.all<{ customer_id: string; expected_purchases_12m: number; clv_12m: number | null }>(
      'SELECT customer_id, expected_purchases_12m, clv_12m FROM customer_clv',
    );
    expect(rows.length).toBe(3_000);
    // The same predictions as the in-memory path, for every customer.
    const summary = summarize(await readTransactions(store, { before: sim.asOf }), { asOf: sim.asOf });
    const expected = predictCustomers(summary, { purchase: { model: purchaseModel(run.purchase.model), params: run.purchase.params }, gammaGamma: run.gammaGamma.params });
    const index = new Map(summary.customerIds.map((id, i) => [id, i]));
    for (const row of rows) {
      const i = index.get(row.customer_id)!;
      expect(row.expected_purchases_12m).toBe(expected.expectedPurchases[i]);
      expect(row.clv_12m).toBe(expected.clv[i]);
    }
    // Another seed draws another sample, and so other parameters.
    const other = await writeClv(store, { asOf: sim.asOf, maxFitCustomers: 1_000, seed: 4 });
    expect(other.purchase.params).not.toEqual(run.purchase.params);
  });

  it('an empty store is a bad-input error, not a crash', async () => {
    store = await Store.open({ path: ':memory:' });
    await expect(writeClv(store)).rejects.toMatchObject({ code: 'bad_input', message: expect.stringMatching(/no orders before .* to fit lifetime value on/) });
  });
});

describe.skipIf(!existsSync(sharedDataDir))('clv fit on CDNOW loaded into a store (needs ../shared/data)', () => {
  it('reproduces the published fit and reports the 39-week holdout', async () => {
    const customerIds: string[] = [];
    const timesMs: number[] = [];
    const amounts: number[] = [];
    for (const line of readFileSync(join(sharedDataDir, 'CDNOW_sample.txt'), 'utf8').trim().split('\n')) {
      const f = line.trim().split(/\s+/);
      customerIds.push(f[1]);
      timesMs.push(Date.UTC(Number(f[2].slice(0, 4)), Number(f[2].slice(4, 6)) - 1, Number(f[2].slice(6, 8))));
      amounts.push(Number(f[4]));
    }
    store = await storeWith({ customerIds, timesMs, amounts });
    const { run, holdout } = await clvFit(store, { asOf: '1998-07-01', unit: 'week', holdoutDays: 273 });
    expect(holdout!.calibrationEnd).toBe('1997-10-01');
    expect(holdout!.customers).toBe(2357);
    const bgnbd = holdout!.models.find((m) => m.model === 'bgnbd')!;
    expect(bgnbd.fit.params.r).toBeCloseTo(0.243, 2);
    expect(bgnbd.fit.logLikelihood).toBeCloseTo(-9582.4, 0);
    // The model chosen from the calibration period alone beats the naive baseline on the holdout: no warning.
    const chosen = holdout!.models.find((m) => m.model === holdout!.selection.chosen)!;
    expect(Math.abs(chosen.score.totalError)).toBeLessThan(0.15);
    expect(chosen.score.mae).toBeLessThan(holdout!.naive.mae);
    expect(holdout!.warning).toBeUndefined();
    expect(run.customers).toBe(2357);
    expect(run.selection.split!.models).toHaveLength(3);
  });
});
