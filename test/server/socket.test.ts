import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../data/demo.ts';
import { buildFeatures } from '../../data/features.ts';
import { Store } from '../../data/store.ts';
import { buildTiers } from '../../models/tiers/index.ts';
import { TokenStore } from '../../server/auth.ts';
import { startServer, type RunningServer } from '../../server/start.ts';

describe('over a real socket', () => {
  let server: RunningServer;
  let store: Store;
  let home: string;
  let admin: string;
  const get = (path: string, token = admin) => fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'tierlab-socket-test-'));
    store = await Store.open({ path: ':memory:' });
    await loadDemo(store, { customers: 150, seed: 3 });
    await buildFeatures(store);
    await buildTiers(store);
    admin = new TokenStore(home).create('admin');
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    server = await startServer({
      port: 0,
      store,
      home,
      log: () => {},
      // A stand-in training run that reports two steps, then finishes when the test lets it.
      train: async ({ onProgress }) => {
        await new Promise((r) => setTimeout(r, 50));
        onProgress({ step: 'features', fraction: 0.5 });
        await gate;
        onProgress({ step: 'churn', fraction: 1 });
        return { outcome: 'promoted' };
      },
    });
    (globalThis as { releaseTraining?: () => void }).releaseTraining = release;
  });
  afterAll(async () => {
    await server.close();
    store.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('listens on loopback and answers health', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/api/health`);
    expect(((await res.json()) as { customers: number }).customers).toBe(150);
  });

  it('loads an uploaded CSV and rebuilds features and tiers', async () => {
    const csv = 'cust,order,when,total\nNEW1,N-1,2026-06-01T10:00:00Z,40.5\nNEW1,N-2,2026-06-20T10:00:00Z,10\nNEW2,N-3,2026-06-21,99.99\n';
    const res = await fetch(`${server.url}/api/datasets/transactions?map=${encodeURIComponent('cust=customer_id,order=order_id,when=timestamp,total=amount')}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' },
      body: csv,
    });
    const body = (await res.json()) as { summary: { rows_loaded: number }; tiers_built: boolean };
    expect(res.status).toBe(200);
    expect(body.summary.rows_loaded).toBe(3);
    expect(body.tiers_built).toBe(true);
    const customer = (await (await get('/api/customers/NEW1')).json()) as { features: { frequency: number }; orders: unknown[]; tiers: { rfm_segment: string } };
    expect(customer.features.frequency).toBe(2);
    expect(customer.orders).toHaveLength(2);
    expect(customer.tiers.rfm_segment).toBeTypeOf('string');
  });

  it('streams job progress as Server-Sent Events', async () => {
    const started = (await (await fetch(`${server.url}/api/jobs/train`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } })).json()) as { id: string };
    const res = await fetch(`${server.url}/api/jobs/${started.id}/events?token=${admin}`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    let released = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
      if (!released && text.includes('"features"')) {
        released = true;
        (globalThis as { releaseTraining?: () => void }).releaseTraining!();
      }
    }
    expect(text).toMatch(/event: progress\ndata: \{"step":"features"/);
    expect(text).toMatch(/event: done\ndata: .*"status":"succeeded"/);
  });

  it('refuses a public address while no token exists', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tierlab-socket-empty-'));
    try {
      await expect(startServer({ port: 0, host: '0.0.0.0', store, home: empty })).rejects.toThrow(/refusing to listen/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
