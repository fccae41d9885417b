import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Store } from '../../data/store.ts';
import { exportOutputs } from '../../models/registry/outputs.ts';
import { Registry, type Manifest } from '../../models/registry/registry.ts';
import { listRuns, retrain } from '../../models/registry/retrain.ts';
import { createApp } from '../../server/app.ts';
import type { Job } from '../../server/jobs.ts';
import { retrainJob } from '../../server/start.ts';
import { fixture, type Fixture } from '../server/helpers.ts';
import { safeError, within } from './support.ts';

/** Damaged model versions (issue 17, finding 7), and the registry's numbering (the low ones). */
describe('damaged model versions are never served', () => {
  let f: Fixture;
  let registry: Registry;
  /** A copy of the served version as a new version: real outputs, a file list in its manifest. */
  const copyServed = async () => {
    const { version: _v, files: _f, ...manifest } = registry.manifest(1) as Manifest;
    return registry.write(manifest, registry.bundle(1), async (dir) => {
      await exportOutputs(f.store, dir);
    });
  };
  const atRisk = async () => (await f.call('GET', '/api/churn/at-risk?limit=3', { role: 'retention' })).status;

  beforeAll(async () => {
    f = await fixture({ customers: 250, train: retrainJob });
    const started = (await (await f.call('POST', '/api/jobs/train', { role: 'admin' })).json()) as Job;
    expect((await within(180_000, 'training', f.deps.jobs.wait(started.id))).status).toBe('succeeded');
    registry = new Registry(f.home);
  }, 200_000);
  afterAll(() => f.close());

  it('refuses to activate a version with a missing or changed file (409 naming it), and keeps serving', async () => {
    const missing = await copyServed();
    rmSync(join(registry.dir(missing), 'customer_churn.parquet'));
    const res = await f.call('POST', `/api/models/${missing}/activate`, { role: 'admin' });
    expect(res.status).toBe(409);
    const body = await safeError(res);
    expect(body.message).toContain('customer_churn.parquet is missing');
    expect(body.details.problems).toEqual(['customer_churn.parquet is missing']);
    expect(registry.active()).toBe(1);
    expect(await atRisk()).toBe(200);

    const changed = await copyServed();
    const file = join(registry.dir(changed), 'customer_clv.parquet');
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(file, bytes);
    const again = await f.call('POST', `/api/models/${changed}/activate`, { role: 'admin' });
    expect(again.status).toBe(409);
    expect((await safeError(again)).message).toContain('customer_clv.parquet differs');

    const unreadable = await copyServed();
    writeFileSync(join(registry.dir(unreadable), 'manifest.json'), '{"version": ');
    const third = await f.call('POST', `/api/models/${unreadable}/activate`, { role: 'admin' });
    expect(third.status).toBe(409);
    expect((await safeError(third)).message).toContain('manifest.json is not readable JSON');
    expect(registry.active()).toBe(1);
  });

  it('falls back at start to the newest intact version when the active one was deleted, and says so', async () => {
    const doomed = await copyServed();
    registry.activate(doomed);
    rmSync(registry.dir(doomed), { recursive: true });
    // A restart: a new app on the same store and runtime folder.
    const logged: Record<string, unknown>[] = [];
    const { app, deps } = await createApp({ store: f.store, home: f.home, log: (line) => logged.push(line), train: retrainJob });
    expect(deps.served.version).toBe(1);
    const health = await app.request('/api/health');
    expect(health.status).toBe(200);
    const body = (await health.json()) as { status: string; model_version: string; notice: string };
    expect(body).toMatchObject({ status: 'degraded', model_version: '1' });
    expect(body.notice).toContain(`model version ${doomed} is damaged`);
    expect(body.notice).toContain('serving version 1 instead');
    expect(registry.active()).toBe(1);
    const risk = await app.request('/api/churn/at-risk?limit=3', { headers: { authorization: `Bearer ${f.tokens.retention}` } });
    expect(risk.status).toBe(200);
    expect(logged.find((line) => line.event === 'model_fallback')).toMatchObject({ damaged: doomed, serving: 1 });

    // The deleted version's number is never given out again.
    expect(await copyServed()).toBe(doomed + 1);
  });
});

describe('run records', () => {
  it('gives two runs started in the same second different ids', async () => {
    const store = await Store.open({ path: ':memory:' });
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const home = mkdtempSync(join(tmpdir(), 'tierlab-runs-'));
    try {
      // On an empty store a run fails at once, and is recorded all the same; the clock stands still meanwhile.
      vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-03-01T12:00:00Z') });
      try {
        await retrain({ home, store, webhookUrl: '' });
        await retrain({ home, store, webhookUrl: '' });
      } finally {
        vi.useRealTimers();
      }
      const ids = listRuns(home).map((r) => r.run_id);
      expect(ids).toHaveLength(2);
      expect(new Set(ids).size).toBe(2);
    } finally {
      store.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
