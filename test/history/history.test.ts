import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { literal, Store } from '../../data/store.ts';
import { customerTierHistory, recordTierHistory, tierAlerts, tierFlow } from '../../models/history/index.ts';
import { fixture, type Fixture } from '../server/helpers.ts';

/** A version folder with the stage files the history reads, from literal rows (id, tier, band, p, cluster). */
async function versionDir(store: Store, root: string, version: number, rows: [string, string, string, number, string | null][], clusters = true): Promise<string> {
  const dir = join(root, `v${version}`);
  mkdirSync(dir, { recursive: true });
  const values = rows.map(([id, tier, band, p, cluster]) => `(${literal(id)}, ${literal(tier)}, ${literal(band)}, ${p}, ${cluster === null ? 'NULL' : literal(cluster)})`).join(', ');
  await store.run(`CREATE OR REPLACE TABLE v AS SELECT * FROM (VALUES ${values}) t(customer_id, value_tier, risk_band, p, cluster_name)`);
  const copy = (sql: string, table: string) => store.run(`COPY (${sql}) TO ${literal(join(dir, `${table}.parquet`))} (FORMAT parquet)`);
  await copy('SELECT customer_id, 1 AS frequency FROM v', 'customer_features');
  await copy(`SELECT customer_id, value_tier, 'Loyal' AS rfm_segment, 'active' AS lifecycle_stage FROM v`, 'customer_rfm');
  await copy('SELECT customer_id, risk_band, p AS churn_probability FROM v', 'customer_churn');
  if (clusters) await copy('SELECT customer_id, 1 AS cluster, cluster_name FROM v', 'customer_clusters');
  return dir;
}

describe('tier history', () => {
  const root = mkdtempSync(join(tmpdir(), 'tierlab-history-'));
  let store: Store;
  beforeAll(async () => {
    store = await Store.open({ path: ':memory:' });
    const one = await versionDir(store, root, 1, [
      ['a', 'VIP', 'low', 0.1, 'Big'],
      ['b', 'Key', 'medium', 0.3, 'Big'],
      ['c', 'VIP', 'high', 0.7, 'Small'],
      ['d', 'Standard', 'low', 0.2, 'Small'],
    ]);
    const two = await versionDir(store, root, 2, [
      ['a', 'Key', 'low', 0.15, null], // VIP -> Key: dropped
      ['b', 'VIP', 'high', 0.8, null], // Key -> VIP: not a drop; entered high risk
      ['c', 'VIP', 'high', 0.75, null], // high already: no alert
      ['d', 'Low value', 'high', 0.6, null], // entered high risk (Standard is not a top tier)
      ['e', 'Standard', 'low', 0.2, null], // new
    ], false);
    expect(await recordTierHistory(store, { version: 1, dir: one, asOf: '2026-01-01' })).toBe(4);
    expect(await recordTierHistory(store, { version: 2, dir: two, asOf: '2026-02-01' })).toBe(5);
    // Recording a version again replaces its rows.
    expect(await recordTierHistory(store, { version: 2, dir: two, asOf: '2026-02-01' })).toBe(5);
  });
  afterAll(() => {
    store.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('counts moves between versions, and the newcomers apart', async () => {
    const flow = await tierFlow(store, { column: 'value_tier' });
    expect(flow).toMatchObject({ moved: 3, total: 4, entered: 1, from: { version: 1 }, to: { version: 2 } });
    expect(flow.cells).toEqual(expect.arrayContaining([{ from: 'VIP', to: 'Key', customers: 1 }, { from: 'VIP', to: 'VIP', customers: 1 }, { from: 'Standard', to: 'Low value', customers: 1 }]));
    expect((await tierFlow(store, { column: 'cluster' })).cells).toEqual(expect.arrayContaining([{ from: 'Big', to: null, customers: 2 }]));
  });

  it('alerts on drops from VIP/Key and on entering high risk, highest risk first', async () => {
    const { alerts } = await tierAlerts(store);
    expect(alerts.map((a) => `${a.customer_id}:${a.kind}:${a.from}->${a.to}`)).toEqual(['b:entered_high_risk:medium->high', 'd:entered_high_risk:low->high', 'a:dropped_tier:VIP->Key']);
  });

  it('keeps one customer over time, and refuses a comparison it cannot make', async () => {
    expect((await customerTierHistory(store, 'a')).map((r) => [r.version, r.value_tier, r.cluster])).toEqual([[1, 'VIP', 'Big'], [2, 'Key', null]]);
    await expect(tierFlow(store, { fromVersion: 2, toVersion: 2 })).rejects.toThrow(/must be before/);
    await expect(tierFlow(store, { fromVersion: 9 })).rejects.toThrow(/version 9 is not in the tier history/);
    await expect(tierFlow(store, { since: '1999-01-01' })).rejects.toThrow(/no version was recorded on or before 1999-01-01/);
    await expect(tierFlow(store, { since: 'yesterday' })).rejects.toThrow(/since must be a date/);
  });
});

describe('tier history over the API', () => {
  let f: Fixture;
  let root: string;
  beforeAll(async () => {
    f = await fixture({ customers: 40 });
    // The server reads files only inside its registry folder (and uploads), as a real version's are.
    root = join(f.home, 'registry');
    expect((await f.call('GET', '/api/history/flow', { role: 'retention' })).status).toBe(404);
    await recordTierHistory(f.store, { version: 1, dir: await versionDir(f.store, root, 1, [['C000001', 'VIP', 'low', 0.1, 'Big'], ['C000002', 'Key', 'low', 0.2, 'Big']]), asOf: null });
    await recordTierHistory(f.store, { version: 2, dir: await versionDir(f.store, root, 2, [['C000001', 'Standard', 'high', 0.9, 'Big'], ['C000002', 'Key', 'low', 0.2, 'Big']]), asOf: null });
  });
  afterAll(() => f.close());

  it('gives retention the alerts with their next best action, the flow and a customer over time', async () => {
    const alerts = (await (await f.call('GET', '/api/history/alerts', { role: 'retention' })).json()) as { alerts: { customer_id: string; kind: string; next_best_action: { rule_id: string } }[] };
    expect(alerts.alerts.map((a) => [a.customer_id, a.kind, a.next_best_action.rule_id])).toEqual([['C000001', 'dropped_tier', 'win-back'], ['C000001', 'entered_high_risk', 'win-back']]);
    const flow = (await (await f.call('GET', '/api/history/flow?column=value_tier', { role: 'retention' })).json()) as { moved: number; total: number };
    expect(flow).toMatchObject({ moved: 1, total: 2 });
    expect((await f.call('GET', '/api/history/flow?column=colour', { role: 'retention' })).status).toBe(400);
    const history = (await (await f.call('GET', '/api/customers/C000001/history', { role: 'retention' })).json()) as { history: { value_tier: string }[] };
    expect(history.history.map((h) => h.value_tier)).toEqual(['VIP', 'Standard']);
    expect((await f.call('GET', '/api/customers/NOBODY/history', { role: 'retention' })).status).toBe(404);
  });
});
