import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../server/routes/index.ts';
import { atRiskCsvLine } from '../../models/churn/at-risk-csv.ts';
import { atRiskList } from '../../services/at-risk.ts';
import { fixture, type Fixture } from './helpers.ts';

describe('API in-process', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture();
    // A stand-in churn stage so the at-risk list has something to rank (the real one comes from training).
    await f.store.run(`CREATE TABLE customer_churn AS SELECT customer_id, least(recency_days / 400.0, 1) AS churn_probability,
      CASE WHEN recency_days > 200 THEN 'high' ELSE 'low' END AS risk_band, least(recency_days / 400.0, 1) * monetary AS value_at_risk,
      '["long since last order", "a, quoted \\"reason\\""]' AS reasons FROM customer_features`);
    const { refreshAnalyticsView } = await import('../../data/analytics.ts');
    await refreshAnalyticsView(f.store);
  });
  afterAll(() => f.close());

  it('health is public and counts customers', async () => {
    const body = await (await f.call('GET', '/api/health')).json();
    expect(body).toMatchObject({ status: 'ok', customers: 300, model_version: null });
  });

  it('pages through every customer exactly once with keyset cursors, in sort order', async () => {
    const seen: string[] = [];
    const values: number[] = [];
    let cursor: string | null = null;
    do {
      const q = new URLSearchParams({ sort: 'monetary', order: 'desc', limit: '70', ...(cursor ? { cursor } : {}) });
      const page = (await (await f.call('GET', `/api/customers?${q}`, { role: 'retention' })).json()) as { items: { customer_id: string; monetary: number | null }[]; next_cursor: string | null };
      for (const item of page.items) {
        seen.push(item.customer_id);
        values.push(item.monetary ?? -Infinity);
      }
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.length).toBe(300);
    expect(new Set(seen).size).toBe(300);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
  });

  it('filters by segment and risk', async () => {
    const segment = (await f.store.one<{ s: string }>('SELECT rfm_segment AS s FROM customer_rfm GROUP BY 1 ORDER BY count(*) DESC LIMIT 1'))!.s;
    const res = await f.call('GET', `/api/customers?rfm_segment=${encodeURIComponent(segment)}&min_risk=0.2&limit=500`, { role: 'retention' });
    const { items } = (await res.json()) as { items: { rfm_segment: string; churn_probability: number }[] };
    const expected = await f.store.one<{ n: number }>('SELECT count(*) AS n FROM customer_analytics WHERE rfm_segment = $1 AND churn_probability >= 0.2', [segment]);
    expect(items.length).toBe(expected!.n);
    for (const item of items) {
      expect(item.rfm_segment).toBe(segment);
      expect(item.churn_probability).toBeGreaterThanOrEqual(0.2);
    }
  });

  it('shows one customer with orders and 404s an unknown one', async () => {
    const id = (await f.store.one<{ id: string }>('SELECT customer_id AS id FROM transactions GROUP BY 1 ORDER BY count(*) DESC LIMIT 1'))!.id;
    const body = (await (await f.call('GET', `/api/customers/${id}`, { role: 'retention' })).json()) as Record<string, any>;
    expect(body.customer_id).toBe(id);
    expect(body.tiers.rfm_segment).toBeTypeOf('string');
    expect(body.churn.churn_probability).toBeTypeOf('number');
    const orders = await f.store.one<{ n: number }>('SELECT least(count(DISTINCT order_id), 20) AS n FROM transactions WHERE customer_id = $1', [id]);
    expect(body.orders.length).toBe(orders!.n);
    expect(body.features.frequency).toBeTypeOf('number');
    const missing = await f.call('GET', '/api/customers/NOPE', { role: 'retention' });
    expect(missing.status).toBe(404);
  });

  it('ranks the at-risk list by value at risk and streams it as CSV', async () => {
    const json = (await (await f.call('GET', '/api/churn/at-risk?limit=10', { role: 'retention' })).json()) as { items: { value_at_risk: number; reasons: { text: string }[] }[] };
    expect(json.items.length).toBe(10);
    for (let i = 1; i < 10; i++) expect(json.items[i].value_at_risk).toBeLessThanOrEqual(json.items[i - 1].value_at_risk);
    expect(json.items[0].reasons.map((r) => r.text)).toContain('long since last order');
    const csv = await f.call('GET', '/api/churn/at-risk?format=csv&limit=1000', { role: 'retention' });
    expect(csv.headers.get('content-disposition')).toContain('attachment');
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('customer_id,churn_probability,risk_band,value_at_risk,expected_value_source,rfm_segment,value_tier,cluster,reasons,next_action,action_channel,action_owner,action_offer,action_budget,action_service_days');
    expect(csv.headers.get('x-total-count')).toBe('300');
    expect(lines.length).toBe(301);
    expect(lines[1]).toContain('"long since last order; a, quoted ""reason"""');
  });

  it('gives the same at-risk rows over the API (JSON page and CSV) as the command line\'s function, for the same filters', async () => {
    // `tierlab churn at-risk` prints atRiskList's rows through atRiskCsvLine; the API's JSON page comes from the
    // server's in-memory list: they were separate implementations with their own defaults and columns.
    const filters: Record<string, string>[] = [{}, { risk_band: 'high' }, { min_risk: '0.3', max_risk: '0.9' }, { value_tier: 'VIP' }, { rfm_segment: 'Champions', risk_band: 'low' }];
    for (const filter of filters) {
      const { min_risk, max_risk, ...text } = filter;
      const cli = await atRiskList(f.store, f.home, {
        filter: { ...text, ...(min_risk && { min_risk: Number(min_risk) }), ...(max_risk && { max_risk: Number(max_risk) }) },
        limit: 40,
      });
      const query = new URLSearchParams({ ...filter, limit: '40' });
      const json = (await (await f.call('GET', `/api/churn/at-risk?${query}`, { role: 'retention' })).json()) as { total: number; items: unknown[] };
      expect(json, JSON.stringify(filter)).toEqual({ total: cli.total, items: cli.rows });
      const csv = await (await f.call('GET', `/api/churn/at-risk?${query}&format=csv`, { role: 'retention' })).text();
      expect(csv.trim().split('\n').slice(1)).toEqual(cli.rows.map((r) => atRiskCsvLine(r, r.next_best_action)));
    }
    expect((await atRiskList(f.store, f.home, {})).rows.length).toBe(300);
  });

  it('summarizes tiers and lists datasets', async () => {
    const tiers = (await (await f.call('GET', '/api/tiers', { role: 'analyst' })).json()) as { dimensions: Record<string, { customers: number }[]> };
    for (const groups of Object.values(tiers.dimensions)) expect(groups.reduce((s, g) => s + g.customers, 0)).toBe(300);
    const datasets = (await (await f.call('GET', '/api/datasets', { role: 'analyst' })).json()) as { tables: { name: string; rows: number }[] };
    expect(datasets.tables.find((t) => t.name === 'customers')!.rows).toBe(300);
  });

  it('scores sentiment texts in order', async () => {
    const res = await f.call('POST', '/api/sentiment', { role: 'retention', json: { texts: ['I love it, excellent quality', 'terrible, broken and late'] } });
    const { scores } = (await res.json()) as { scores: { score: number; label: string }[] };
    expect(scores[0].score).toBeGreaterThan(scores[1].score);
    expect(scores[1].label).toBe('negative');
  });

  it('stores notebooks as stable pretty JSON, atomically replaced', async () => {
    const nb = { title: 'Churn look', cells: [{ kind: 'sql', id: 'c1', source: 'SELECT 1', name: 'one' }] };
    expect((await f.call('PUT', '/api/notebooks/churn-look', { role: 'analyst', json: nb })).status).toBe(200);
    const file = join(f.home, 'notebooks', 'churn-look.json');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('\n  "cells": [\n');
    expect(text.indexOf('"id": "c1"')).toBeLessThan(text.indexOf('"kind": "sql"'));
    const list = (await (await f.call('GET', '/api/notebooks', { role: 'analyst' })).json()) as { notebooks: { id: string }[] };
    expect(list.notebooks.map((n) => n.id)).toEqual(['churn-look']);
    expect(((await (await f.call('GET', '/api/notebooks/churn-look', { role: 'analyst' })).json()) as { cells: unknown[] }).cells).toHaveLength(1);
    expect((await f.call('DELETE', '/api/notebooks/churn-look', { role: 'analyst' })).status).toBe(204);
    expect(existsSync(file)).toBe(false);
    expect((await f.call('GET', '/api/notebooks/churn-look', { role: 'analyst' })).status).toBe(404);
  });

  it('runs a parameterized SELECT with a row limit', async () => {
    const res = await f.call('POST', '/api/sql', { role: 'analyst', json: { sql: 'SELECT customer_id, frequency FROM customer_features WHERE frequency >= :min ORDER BY customer_id', params: { min: 2 }, limit: 5 } });
    const body = (await res.json()) as { columns: { name: string }[]; rows: { frequency: number }[]; truncated: boolean };
    expect(body.columns.map((c) => c.name)).toEqual(['customer_id', 'frequency']);
    expect(body.rows).toHaveLength(5);
    expect(body.truncated).toBe(true);
    for (const row of body.rows) expect(row.frequency).toBeGreaterThanOrEqual(2);
  });

  it('creates tokens that work once shown', async () => {
    const res = await f.call('POST', '/api/tokens', { role: 'admin', json: { role: 'retention' } });
    expect(res.status).toBe(201);
    const { token } = (await res.json()) as { token: string };
    expect(((await (await f.call('GET', '/api/me', { token })).json()) as { role: string }).role).toBe('retention');
    expect(readFileSync(join(f.home, 'tokens.json'), 'utf8')).not.toContain(token);
  });

  it('runs one training job at a time and cancels it', async () => {
    f.deps.train = ({ signal, onProgress }) =>
      new Promise((_resolve, reject) => {
        onProgress({ step: 'features', fraction: 0.1 });
        signal.addEventListener('abort', () => reject(new Error('aborted')));
      });
    const started = await f.call('POST', '/api/jobs/train', { role: 'admin' });
    expect(started.status).toBe(202);
    const job = (await started.json()) as { id: string };
    expect((await f.call('POST', '/api/jobs/train', { role: 'admin' })).status).toBe(409);
    expect(((await (await f.call('GET', `/api/jobs/${job.id}`, { role: 'admin' })).json()) as { progress: { step: string } }).progress.step).toBe('features');
    await f.call('DELETE', `/api/jobs/${job.id}`, { role: 'admin' });
    expect((await f.deps.jobs.wait(job.id)).status).toBe('cancelled');
  });

  it('publishes every route in the OpenAPI document and the docs page', async () => {
    const doc = (await (await f.call('GET', '/api/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const r of ROUTES) expect(doc.paths[r.path.replace(/:(\w+)/g, '{$1}')][r.method.toLowerCase()]).toBeDefined();
    const html = await (await f.call('GET', '/api/docs')).text();
    for (const r of ROUTES) expect(html).toContain(r.path);
  });

  it('sends security headers and 404s unknown API paths as JSON', async () => {
    const res = await f.call('GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(((await res.json()) as { error: string }).error).toBe('not_found');
  });
});
