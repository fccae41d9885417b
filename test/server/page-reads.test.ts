import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCustomerPages, livePageQuery } from '../../data/customer-pages.ts';
import { pageFilesPresent } from '../../data/page-files.ts';
import { Store } from '../../data/store.ts';
import { savePlaybook, type Rule } from '../../models/playbooks/index.ts';
import { rowOfPage } from '../../server/customer-cache.ts';
import { nextActionOf } from '../../services/next-action.ts';
import { fixture, standInChurn, type Fixture } from './helpers.ts';

/**
 * How the server reads pages at scale (server/customer-cache.ts): the at-risk JSON page is kept (in the page
 * cache, server/routes/churn.ts) and must never answer from before a change; lookups read each page from the page
 * files (data/page-files.ts), not from DuckDB.
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

describe('lookups from the page files', () => {
  let f: Fixture;
  const pageOf = async (id: string) => {
    const found = await f.deps.customers.lookup(id);
    return found && (JSON.parse(found.json) as { customer_id: string; replaced?: boolean });
  };
  const files = () => readdirSync(f.store.filesDir).filter((name) => name.startsWith('pages-')).sort();
  beforeAll(async () => {
    f = await fixture({ customers: 120 });
    await standInChurn(f.store, 200);
    await pageOf('C000001'); // the stand-in churn stage dropped the pages: the server builds them on the writer
    await f.deps.writes.run(async () => {});
    await vi.waitFor(() => expect(files()).toHaveLength(1)); // the files of the fixture's first build are deleted
    f.deps.customers.invalidate();
  });
  afterAll(() => f.close());

  it('give each customer the page the source tables give, with no query to DuckDB a lookup', async () => {
    expect(await pageFilesPresent(f.store)).toBe(true);
    const ids = (await f.store.all<{ id: string }>('SELECT customer_id AS id FROM customer_analytics ORDER BY 1')).map((r) => r.id);
    await f.deps.customers.list(); // the list and the pages' places are read once
    const queries = [vi.spyOn(Store.prototype, 'all'), vi.spyOn(Store.prototype, 'run')];
    let pages: (string | undefined)[];
    try {
      pages = await f.deps.customers.pagesJson([...ids, 'NOPE']);
      expect(queries.map((q) => q.mock.calls.length)).toEqual([0, 0]);
    } finally {
      for (const q of queries) q.mockRestore();
    }
    expect(pages.at(-1)).toBeUndefined();
    const live = (await livePageQuery(f.store))!;
    for (const [i, id] of ids.entries()) expect(pages[i]).toBe((await f.store.one<{ page_json: string }>(live, [id]))!.page_json);
  });

  it('read the committed pages while the main connection holds a transaction that drops them', async () => {
    // A training job builds its candidate in a transaction on the main connection (Store.scratch), unseen by others.
    await f.store.run('BEGIN TRANSACTION');
    try {
      await f.store.run('DROP TABLE customer_pages');
      f.deps.customers.invalidate();
      for (const id of ['C000002', 'C000050', 'C000120']) expect((await pageOf(id))?.customer_id).toBe(id);
      expect(files()).toHaveLength(1);
    } finally {
      await f.store.run('ROLLBACK');
    }
  });

  it('read the pages of a rebuild once told, the old files deleted, and the old reader keeps its files till then', async () => {
    const before = files();
    await pageOf('C000010'); // the reader of the current files is open
    f.deps.customers.pagesJson(['C000011']); // and one read under way when the files go
    await f.store.run(`UPDATE customer_rfm SET rfm_segment = 'Rebuilt'`);
    await buildCustomerPages(f.store);
    expect(files()).toHaveLength(1);
    expect(files()).not.toEqual(before);
    expect(await pageOf('C000012')).toMatchObject({ customer_id: 'C000012' }); // from the deleted file, still open
    expect(JSON.parse((await f.deps.customers.lookup('C000012'))!.json).tiers.rfm_segment).not.toBe('Rebuilt');
    f.deps.customers.invalidate();
    expect(JSON.parse((await f.deps.customers.lookup('C000013'))!.json).tiers.rfm_segment).toBe('Rebuilt');
  });

  it('leave no files behind a build that was rolled back', async () => {
    const before = files();
    await expect(
      f.store.transaction(async () => {
        await buildCustomerPages(f.store);
        expect(files()).toHaveLength(before.length + 1);
        throw new Error('the retrain failed after its pages');
      }),
    ).rejects.toThrow('the retrain failed');
    expect(files()).toEqual(before);
  });

  it('come from the source tables while the files are gone (a store copied without them), which are built again', async () => {
    for (const name of files()) rmSync(join(f.store.filesDir, name));
    f.deps.customers.invalidate();
    // Hold the writer, so the build waits and these lookups read the source tables.
    let release = () => {};
    const held = f.deps.writes.run(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      for (const id of ['C000001', 'C000077']) expect((await pageOf(id))?.customer_id).toBe(id);
      expect(await pageOf('NOPE')).toBeUndefined();
      expect(await pageFilesPresent(f.store)).toBe(false);
    } finally {
      release();
    }
    await held;
    await f.deps.writes.run(async () => {});
    expect(await pageFilesPresent(f.store)).toBe(true);
    expect((await pageOf('C000077'))?.customer_id).toBe('C000077');
  });

  it('come from the source tables when a file is not the table’s, which the log says once', async () => {
    const logged: Record<string, unknown>[] = [];
    const other = await fixture({ customers: 60, log: (line) => logged.push(line) });
    try {
      const [name] = readdirSync(other.store.filesDir).filter((n) => n.startsWith('pages-'));
      // A file cut short after a line: its other customers have no page in it.
      const path = join(other.store.filesDir, name);
      const text = readFileSync(path);
      writeFileSync(path, text.subarray(0, text.indexOf(10, 4000) + 1));
      for (const id of ['C000001', 'C000059', 'C000060']) expect((JSON.parse((await other.deps.customers.lookup(id))!.json) as { customer_id: string }).customer_id).toBe(id);
      await other.deps.writes.run(async () => {});
      expect(logged.filter((l) => l.event === 'customer_pages_unreadable')).toEqual([expect.objectContaining({ message: expect.stringMatching(/no page for its row/) })]);
      expect(logged.filter((l) => l.event === 'customer_pages_built')).toEqual([]);
    } finally {
      other.close();
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
});
