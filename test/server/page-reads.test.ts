import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildCustomerPages, CUSTOMER_PAGES_INDEX, customerPagesIndexed, indexCustomerPages } from '../../data/customer-pages.ts';
import { Store } from '../../data/store.ts';
import { savePlaybook, type Rule } from '../../models/playbooks/index.ts';
import { rowOfPage } from '../../server/customer-cache.ts';
import { nextActionOf } from '../../services/next-action.ts';
import { fixture, standInChurn, type Fixture } from './helpers.ts';

/**
 * How the server reads pages at scale (server/customer-cache.ts): the at-risk JSON page is kept (in the page
 * cache, server/routes/churn.ts) and must never answer from before a change; lookups read on connections of their
 * own, by id through customer_pages' index.
 */

const action = { name: 'Call', channel: 'call', owner_role: 'care', offer: null, budget_per_customer: null, service_level_days: 2, note: '' } as const;
const rule = (id: string, dimension: Rule['dimension'], value: string | null, risk_band: string | null = null): Rule => ({ id, dimension, value, risk_band, action: { ...action, name: id } });

interface AtRisk {
  total: number;
  items: { customer_id: string; value_at_risk: number; next_best_action: { rule_id: string } | null }[];
}

describe('the kept at-risk page', () => {
  let f: Fixture;
  const atRisk = async (query = 'limit=5') => {
    const res = await f.call('GET', `/api/churn/at-risk?${query}`, { role: 'retention' });
    expect(res.status).toBe(200);
    return (await res.json()) as AtRisk;
  };
  beforeAll(async () => {
    f = await fixture({ customers: 150 });
    await standInChurn(f.store, 200);
  });
  afterAll(() => f.close());

  it('is answered again, the same, and kept apart by filter and limit', async () => {
    const first = await atRisk();
    expect(await atRisk()).toEqual(first);
    expect((await atRisk('limit=3')).items).toEqual(first.items.slice(0, 3));
    const high = await atRisk('limit=5&risk_band=high');
    const [{ n }] = await f.store.all<{ n: number }>(`SELECT count(*) AS n FROM customer_analytics WHERE risk_band = 'high'`);
    expect(high.total).toBe(n);
  });

  it('follows a playbook saved through the API', async () => {
    const before = await atRisk();
    expect(before.items[0].next_best_action?.rule_id).not.toBe('everyone-api');
    const saved = await f.call('PUT', '/api/playbook', { role: 'analyst', json: { rules: [rule('everyone-api', 'any', null)] } });
    expect(saved.status).toBe(200);
    expect((await atRisk()).items.map((i) => i.next_best_action?.rule_id)).toEqual(before.items.map(() => 'everyone-api'));
  });

  it('follows a playbook saved from a shell (`tierlab playbook`) once the matcher re-reads it', async () => {
    await atRisk();
    savePlaybook(f.home, [rule('everyone-shell', 'any', null)]);
    // Waits for the condition (the matcher re-reads the file once it is a second old), not for a fixed time.
    await expect.poll(async () => (await atRisk()).items[0].next_best_action?.rule_id).toBe('everyone-shell');
  });

  it('shows the tables an upload rebuilt, not the page kept from before', async () => {
    const before = await atRisk();
    const [{ customer_id: id }] = await f.store.all<{ customer_id: string }>(
      `SELECT customer_id FROM customer_analytics WHERE churn_probability > 0 AND customer_id NOT IN (${before.items.map((i) => `'${i.customer_id}'`).join(', ')}) ORDER BY customer_id LIMIT 1`,
    );
    // Written behind the server's back: the kept page does not know, the rebuild after the upload reads it.
    await f.store.run(`UPDATE customer_churn SET value_at_risk = 1e9 WHERE customer_id = '${id}'`);
    expect(await atRisk()).toEqual(before);
    const csv = `customer_id,order_id,timestamp,amount\nC000003,UPLOADED-1,2026-06-29T10:00:00Z,12.50\n`;
    const upload = await f.call('POST', '/api/datasets/transactions', { role: 'admin', body: csv, headers: { 'content-type': 'text/csv' } });
    expect(upload.status).toBe(200);
    const after = await atRisk();
    expect(after.items[0]).toMatchObject({ customer_id: id, value_at_risk: 1e9 });
  });

  it('is dropped with the cache a write drops (a command on the writer, a version switch)', async () => {
    const before = await atRisk();
    await f.store.run(`UPDATE customer_pages SET value_at_risk = 0 WHERE customer_id = '${before.items[0].customer_id}'`);
    expect(await atRisk()).toEqual(before); // nothing said the tables changed
    f.deps.customers.invalidate(); // what asTheWriter and a version switch do
    expect((await atRisk()).items.map((i) => i.customer_id)).not.toContain(before.items[0].customer_id);
  });
});

describe('lookups on the page readers', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ customers: 120 });
    await standInChurn(f.store, 200);
  });
  afterAll(() => f.close());

  it('read the committed pages while the main connection holds a transaction that rewrites them', async () => {
    const page = async (id: string) => {
      const res = await f.call('GET', `/api/customers/${id}`, { role: 'retention' });
      expect(res.status).toBe(200);
      return (await res.json()) as { customer_id: string; features: { frequency: number } };
    };
    await page('C000001'); // the stand-in churn stage dropped customer_pages: the server builds it on the writer
    await f.deps.writes.run(async () => {});
    expect(await f.store.has('customer_pages')).toBe(true);
    await page('C000001');
    // A training job builds its candidate in a transaction on the main connection (Store.scratch), unseen by others.
    await f.store.run('BEGIN TRANSACTION');
    try {
      await f.store.run(`UPDATE customer_pages SET page_json = '{"customer_id":"rewritten"}'`);
      for (const id of ['C000002', 'C000050', 'C000120']) expect((await page(id)).customer_id).toBe(id);
    } finally {
      await f.store.run('ROLLBACK');
    }
  });

  it('read a table replaced since the readers prepared their lookup (a version switch rewrites it)', async () => {
    const lookup = async (id: string) => JSON.parse((await f.deps.customers.lookup(id))!.json) as { customer_id: string; replaced?: boolean };
    expect((await lookup('C000010')).replaced).toBeUndefined(); // prepares the point query on a reader
    await f.store.run(`CREATE OR REPLACE TABLE customer_pages AS
      SELECT * REPLACE (page_json[:-2] || ',"replaced":true}' AS page_json) FROM customer_pages`);
    await indexCustomerPages(f.store);
    f.deps.customers.invalidate();
    for (const id of ['C000010', 'C000011']) expect(await lookup(id)).toMatchObject({ customer_id: id, replaced: true });
  });

  it('go through the index by id, and a table written before the index gets it on the writer', async () => {
    expect(await customerPagesIndexed(f.store)).toBe(true);
    await f.store.run(`DROP INDEX ${CUSTOMER_PAGES_INDEX}`);
    f.deps.customers.invalidate();
    const res = await f.call('GET', '/api/customers/C000042', { role: 'retention' }); // by rowid meanwhile
    expect(res.status).toBe(200);
    expect(((await res.json()) as { customer_id: string }).customer_id).toBe('C000042');
    await f.deps.writes.run(async () => {});
    expect(await customerPagesIndexed(f.store)).toBe(true);
    for (const id of ['C000001', 'C000077', 'NOPE']) {
      const found = await f.deps.customers.lookup(id);
      expect(found && (JSON.parse(found.json) as { customer_id: string }).customer_id).toBe(id === 'NOPE' ? undefined : id);
    }
  });

  it('give the next best action of the page itself, from the tiers held in memory', async () => {
    const rules = [rule('seg', 'rfm_segment', 'Champions'), rule('life', 'lifecycle_stage', 'active'), rule('tier', 'value_tier', 'VIP'), rule('banded', 'any', null, 'high'), rule('any', 'any', null)];
    savePlaybook(f.home, rules);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const ids = (await f.store.all<{ id: string }>('SELECT customer_id AS id FROM customer_analytics ORDER BY 1')).map((r) => r.id);
    const seen = new Set<string>();
    for (const id of ids) {
      const found = (await f.deps.customers.lookup(id))!;
      const fromPage = nextActionOf(f.home)(rowOfPage(JSON.parse(found.json)));
      expect(nextActionOf(f.home)(found.tiers)).toEqual(fromPage);
      seen.add(fromPage?.rule_id ?? 'none');
    }
    expect(seen.size).toBeGreaterThan(2);
  });

  it('asked for at once are read together, a few queries for many ids, each answered with its own page', async () => {
    const ids = [...(await f.store.all<{ id: string }>('SELECT customer_id AS id FROM customer_analytics ORDER BY 1 LIMIT 40')).map((r) => r.id), 'NOPE'];
    f.deps.customers.invalidate(); // nothing from the page cache
    const queries = vi.spyOn(Store.prototype, 'preparedColumns');
    try {
      const found = await Promise.all(ids.map((id) => f.deps.customers.lookup(id)));
      expect(found.map((p) => p && (JSON.parse(p.json) as { customer_id: string }).customer_id)).toEqual(ids.map((id) => (id === 'NOPE' ? undefined : id)));
      expect(queries.mock.calls.length).toBeGreaterThan(0);
      expect(queries.mock.calls.length).toBeLessThan(ids.length / 4);
      expect(Math.max(...queries.mock.calls.map(([, params]) => params.length))).toBeLessThanOrEqual(16);
    } finally {
      queries.mockRestore();
    }
  });

  it('missing from customer_pages (a table rewritten since the list was read) come from the source tables', async () => {
    f.deps.customers.invalidate();
    expect((await f.deps.customers.lookup('C000001'))?.json).toBeDefined(); // the list is read
    await f.store.run(`DELETE FROM customer_pages WHERE customer_id IN ('C000033', 'C000034')`);
    try {
      const found = await Promise.all(['C000033', 'C000034'].map((id) => f.deps.customers.lookup(id)));
      expect(found.map((p) => p && (JSON.parse(p.json) as { customer_id: string }).customer_id)).toEqual(['C000033', 'C000034']);
    } finally {
      await buildCustomerPages(f.store);
      f.deps.customers.invalidate();
    }
  });
});
