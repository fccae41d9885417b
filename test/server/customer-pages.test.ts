import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYTICS_TABLES } from '../../data/analytics.ts';
import { refreshAnalyticsView } from '../../data/analytics.ts';
import { buildCustomerPages } from '../../data/customer-pages.ts';
import { pagesWithText } from '../../data/page-files.ts';
import { latestLoad, rebuildDerived } from '../../models/derived.ts';
import { exportOutputs } from '../../models/registry/outputs.ts';
import { Registry } from '../../models/registry/registry.ts';
import { scoreFeedbackTable } from '../../models/sentiment/index.ts';
import { fixture, standInChurn, type Fixture } from './helpers.ts';

type Page = Record<string, any>;

const STAGE_OF_TABLE: Record<string, string> = { customer_rfm: 'tiers', customer_clusters: 'cluster', customer_churn: 'churn', customer_clv: 'clv' };

/**
 * The customer page worked out from the store one plain query at a time, independently of how the server
 * builds it: the analytics row (grouped by the stage table that holds each column), the customer record, the
 * last 20 orders and the last 20 feedback rows with their sentiment.
 */
async function expectedPage(f: Fixture, id: string): Promise<Page | undefined> {
  const row = await f.store.one<Record<string, unknown>>('SELECT * FROM customer_analytics WHERE customer_id = $1', [id]);
  if (!row) return undefined;
  const stageOf = new Map<string, string>();
  for (const table of ANALYTICS_TABLES) {
    if (!(await f.store.has(table))) continue;
    for (const c of await f.store.all<{ column_name: string }>(`DESCRIBE ${table}`)) if (c.column_name !== 'customer_id') stageOf.set(c.column_name, STAGE_OF_TABLE[table]);
  }
  const groups: Record<string, Record<string, unknown> | null> = { features: null, tiers: null, cluster: null, churn: null, clv: null };
  for (const [name, value] of Object.entries(row)) {
    if (name === 'customer_id') continue;
    const stage = stageOf.get(name) ?? 'features';
    // Reasons stored as JSON text (a stand-in churn stage) are handed out as the list they spell.
    groups[stage] = { ...groups[stage], [name]: name === 'reasons' && typeof value === 'string' ? JSON.parse(value) : value };
  }
  const customer = await f.store.one<{ signup_date: string | null; churned: boolean | null }>('SELECT signup_date, churned FROM customers WHERE customer_id = $1', [id]);
  const lines = await f.store.all<{ order_id: string; timestamp: string; amount: number; quantity: number | null; product: string | null }>(
    'SELECT order_id, "timestamp", CAST(amount AS DOUBLE) AS amount, quantity, product FROM transactions WHERE customer_id = $1',
    [id],
  );
  const orders = new Map<string, { order_id: string; timestamp: string; amount: number; lines: number; items: number | null; products: string[] | null }>();
  for (const l of lines) {
    const o = orders.get(l.order_id) ?? { order_id: l.order_id, timestamp: l.timestamp, amount: 0, lines: 0, items: null, products: null };
    if (l.timestamp < o.timestamp) o.timestamp = l.timestamp;
    o.amount += l.amount;
    o.lines += 1;
    if (l.quantity !== null) o.items = (o.items ?? 0) + l.quantity;
    if (l.product !== null && !o.products?.includes(l.product)) o.products = [...(o.products ?? []), l.product].sort();
    orders.set(l.order_id, o);
  }
  const recentOrders = [...orders.values()].sort((a, b) => (a.timestamp === b.timestamp ? (a.order_id < b.order_id ? -1 : 1) : a.timestamp < b.timestamp ? 1 : -1)).slice(0, 20);
  const feedback = await f.store.all(
    `SELECT f."timestamp", f."text", f.rating, f.channel, s.score, s.label, s.language FROM feedback f
      LEFT JOIN feedback_scores s USING (customer_id, "timestamp") WHERE f.customer_id = $1 ORDER BY f."timestamp" DESC LIMIT 20`,
    [id],
  );
  return {
    customer_id: id,
    customer: customer ? { signup_date: customer.signup_date, churned: customer.churned } : null,
    ...groups,
    orders: recentOrders.map((o) => ({ ...o, amount: expect.closeTo(o.amount, 6) })),
    feedback,
  };
}

async function page(f: Fixture, id: string): Promise<{ status: number; body: Page }> {
  const res = await f.call('GET', `/api/customers/${encodeURIComponent(id)}`, { role: 'retention' });
  return { status: res.status, body: (await res.json()) as Page };
}

describe('customer pages', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture();
    await scoreFeedbackTable({ store: f.store });
    await rebuildDerived(f.store);
    await standInChurn(f.store, 200);
  });
  afterAll(() => f.close());

  it('answers customers with what the store holds for them, from table customer_pages', async () => {
    await page(f, 'C000001'); // the stand-in churn stage dropped the table: the server builds it on the writer
    await f.deps.writes.run(async () => {});
    expect(await f.store.has('customer_pages')).toBe(true);
    const ids = (await f.store.all<{ id: string }>('SELECT customer_id AS id FROM customer_analytics ORDER BY 1')).map((r) => r.id);
    expect(ids.length).toBe(300);
    let withFeedback = 0;
    // Every fifth customer: the oracle's queries are slow, the pages all come from one build.
    for (const id of ids.filter((_, i) => i % 5 === 0)) {
      const { status, body } = await page(f, id);
      expect(status).toBe(200);
      const { next_best_action: action, ...shown } = body;
      expect(action).toBeTypeOf('object');
      expect(shown).toEqual(await expectedPage(f, id));
      if (body.feedback.length) withFeedback++;
    }
    expect(withFeedback).toBeGreaterThan(0);
    expect((await page(f, 'NOPE')).status).toBe(404);
  });

  it('builds the same pages in customer-id ranges as in one statement', async () => {
    const table = async () => f.store.all(`${await pagesWithText(f.store)} ORDER BY customer_id`);
    const percents: number[] = [];
    await buildCustomerPages(f.store, { rangeCustomers: 300 });
    const whole = await table();
    await buildCustomerPages(f.store, { rangeCustomers: 7, onProgress: (p) => percents.push(p) });
    expect(await table()).toEqual(whole);
    expect(whole).toHaveLength(300);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
  });

  it('shows an uploaded order and its new figures right after the upload', async () => {
    const id = 'C000007';
    const before = (await page(f, id)).body;
    const csv = `customer_id,order_id,timestamp,amount\n${id},UPLOADED-1,2026-06-29T10:00:00Z,321.50\n`;
    const upload = await f.call('POST', '/api/datasets/transactions', { role: 'admin', body: csv, headers: { 'content-type': 'text/csv' } });
    expect(upload.status).toBe(200);
    const after = (await page(f, id)).body;
    expect(after.orders[0]).toMatchObject({ order_id: 'UPLOADED-1', amount: 321.5, lines: 1 });
    expect(after.features.frequency).toBe(before.features.frequency + 1);
    const { next_best_action: _action, ...shown } = after;
    expect(shown).toEqual(await expectedPage(f, id));
  });

  it('serves a store without customer_pages from the source tables, and builds the table once', async () => {
    await f.store.run('DROP TABLE customer_pages');
    f.deps.customers.invalidate();
    // Hold the writer, so the build waits and these lookups read the source tables.
    let release = () => {};
    const held = f.deps.writes.run(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      for (const id of ['C000002', 'C000150', 'C000299']) {
        const { status, body } = await page(f, id);
        expect(status).toBe(200);
        const { next_best_action: _action, ...shown } = body;
        expect(shown).toEqual(await expectedPage(f, id));
      }
      expect((await page(f, 'NOPE')).status).toBe(404);
      expect(await f.store.has('customer_pages')).toBe(false);
    } finally {
      release();
    }
    await held;
    await f.deps.writes.run(async () => {});
    expect(await f.store.has('customer_pages')).toBe(true);
    const { next_best_action: _action, ...shown } = (await page(f, 'C000150')).body;
    expect(shown).toEqual(await expectedPage(f, 'C000150'));
  });

  it('serves the pages of the version switched to, loaded with its tables', async () => {
    const registry = new Registry(f.home);
    const snapshot = { as_of: '2026-07-01', from: null, to: null, rows: { customers: 300, transactions: 0, feedback: 0 }, content_hash: 'sha256:x', load_id: await latestLoad(f.store) };
    for (const tier of ['tier of v1', 'tier of v2']) {
      // What a retrain leaves behind: stage tables, then the pages built from them, all exported with the version.
      await f.store.run(`UPDATE customer_rfm SET value_tier = '${tier}'`);
      await refreshAnalyticsView(f.store);
      await buildCustomerPages(f.store);
      await registry.write({ created_at: '2026-07-01T00:00:00Z', data_snapshot: snapshot, config: {}, libraries: {}, backend: 'cpu', evaluation: {} }, {}, async (dir) => {
        await exportOutputs(f.store, dir);
      });
    }
    for (const version of [1, 2]) {
      registry.activate(version);
      await f.deps.writes.run(() => f.deps.served.sync());
      expect(await f.store.has('customer_pages')).toBe(true);
      const { next_best_action: _action, ...shown } = (await page(f, 'C000042')).body;
      expect(shown.tiers.value_tier).toBe(`tier of v${version}`);
      expect(shown).toEqual(await expectedPage(f, 'C000042'));
    }
  });
});

describe('customer pages under concurrent lookups', () => {
  it('answers lookups that arrive while the list is being read (several data chunks of it)', async () => {
    const f = await fixture({ customers: 5000 });
    try {
      f.deps.customers.invalidate();
      const ids = Array.from({ length: 60 }, (_, i) => `C${String(1 + ((i * 7919) % 5000)).padStart(6, '0')}`);
      // Health queries the store on the shared connection while the list streams in.
      const paths = ids.flatMap((id) => [`/api/customers/${id}`, '/api/health']);
      const statuses = await Promise.all(paths.map(async (path) => (await f.call('GET', path, { role: 'retention' })).status));
      expect(statuses).toEqual(paths.map(() => 200));
    } finally {
      f.close();
    }
  });
});

