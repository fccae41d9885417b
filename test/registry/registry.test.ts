import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { loadDemo } from '../../data/demo.ts';
import { Store } from '../../data/store.ts';
import { listRuns, retrain } from '../../models/registry/retrain.ts';
import { binProfile, populationStabilityIndex } from '../../models/registry/drift.ts';
import { acquireLock } from '../../models/registry/lock.ts';
import { MANIFEST_FORMAT } from '../../models/registry/manifest.ts';
import { Registry } from '../../models/registry/registry.ts';
import { listVersions, parseVersion } from '../../services/model-versions.ts';

const manifest = (n: number) => ({
  created_at: new Date().toISOString(),
  data_snapshot: { as_of: '2024-01-01', from: null, to: null, rows: { customers: n, transactions: 0, feedback: 0 }, content_hash: 'sha256:x' },
  config: {},
  libraries: {},
  backend: 'cpu',
  evaluation: {},
});

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'scripts', 'tierlab.mjs');

async function tierlab(home: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, TIERLAB_HOME: home, DOTENV_CONFIG_QUIET: 'true' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('registry', () => {
  it('numbers versions, switches the active pointer and rolls back', async () => {
    const registry = new Registry(mkdtempSync(join(tmpdir(), 'reg-')));
    expect(registry.active()).toBeNull();
    const v1 = await registry.write(manifest(1), { a: 1 });
    const v2 = await registry.write(manifest(2), { a: 2 });
    expect([v1, v2]).toEqual([1, 2]);
    registry.activate(v1);
    registry.activate(v2);
    expect(registry.active()).toBe(2);
    expect(registry.bundle<{ a: number }>(2).a).toBe(2);
    expect(registry.rollback()).toBe(1);
    expect(registry.active()).toBe(1);
    expect(() => registry.rollback()).toThrow(/no earlier active version/);
    expect(() => registry.manifest(9)).toThrow(/does not exist/);
  });

  it('ignores a half-written version folder and cleans it up on the next write', async () => {
    const home = mkdtempSync(join(tmpdir(), 'reg-'));
    const registry = new Registry(home);
    await registry.write(manifest(1), {});
    const torn = join(home, 'registry', 'versions', '.tmp-deadbeef');
    mkdirSync(torn);
    writeFileSync(join(torn, 'bundle.json'), '{"partial":');
    expect(registry.versions()).toEqual([1]);
    expect(await registry.write(manifest(2), {})).toBe(2);
    expect(readdirSync(join(home, 'registry', 'versions')).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });

  it('parses a manifest once at the edge: format recorded, older files read as format 1, newer or misshapen ones refused', async () => {
    const home = mkdtempSync(join(tmpdir(), 'reg-'));
    const registry = new Registry(home);
    const version = await registry.write(manifest(1), {});
    expect(registry.manifest(version)).toMatchObject({ format: MANIFEST_FORMAT, version, evaluation: {} });
    const file = join(registry.dir(version), 'manifest.json');
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    const rewrite = (fields: Record<string, unknown>) => writeFileSync(file, JSON.stringify({ ...stored, ...fields }));

    // Written before the format was recorded, without an evaluation: format 1, evaluation {}.
    rewrite({ format: undefined, evaluation: undefined });
    expect(registry.manifest(version)).toMatchObject({ format: 1, evaluation: {} });
    rewrite({ format: MANIFEST_FORMAT + 1 });
    expect(() => registry.manifest(version)).toThrow(/written by a newer Tierlab/);
    expect(registry.problems(version)).toEqual([expect.stringMatching(/^manifest.json cannot be used: it is format \d+, written by a newer Tierlab/)]);
    rewrite({ evaluation: { churn: 'fine' } });
    expect(() => registry.manifest(version)).toThrow(/evaluation.churn is not an object/);
    // The run's configuration and the drift are typed too: a misshapen one is a damaged version, not a guess.
    rewrite({ config: { horizon_days: '90' } });
    expect(() => registry.manifest(version)).toThrow(/config.horizon_days is not a whole number/);
    rewrite({ drift: { recency_days: 0.3 } });
    expect(() => registry.manifest(version)).toThrow(/drift.recency_days is not \{psi, band\}/);
    rewrite({ drift: { recency_days: { psi: 0.3, band: 'shifted' } } });
    expect(registry.manifest(version).drift?.recency_days).toEqual({ psi: 0.3, band: 'shifted' });
  });
});

describe('model versions: one service for tierlab models and the API', () => {
  it('lists the versions the service lists, and reads a version number the way the API does', async () => {
    const home = mkdtempSync(join(tmpdir(), 'versions-'));
    const registry = new Registry(home);
    await registry.write(manifest(1), {});
    await registry.write(manifest(2), {});
    registry.activate(2);
    const listed = await tierlab(home, 'models', 'list', '--json');
    expect(listed.code).toBe(0);
    const { versions } = listVersions(home);
    expect(versions.map((v) => [v.version, v.active, v.as_of])).toEqual([[1, false, '2024-01-01'], [2, true, '2024-01-01']]);
    expect(JSON.parse(listed.stdout)).toEqual(versions.map(({ version, active, created_at, as_of, figures }) => ({ version, active, created_at, as_of, ...figures })));
    // "1.0" was version 1 to the CLI and a 400 to the API; now both refuse it, with the same words.
    expect(() => parseVersion('1.0')).toThrow(/version must be a positive whole number, got "1.0"/);
    const refused = await tierlab(home, 'models', 'activate', '1.0');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/version must be a positive whole number, got "1.0"/);
    expect(listVersions(home).versions.find((v) => v.active)?.version).toBe(2);
  });
});

describe('retrain lock', () => {
  it('refuses a second holder while the first is alive, and takes over a dead owner', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lock-')), 'retrain.lock');
    const lock = acquireLock(file);
    expect(() => acquireLock(file)).toThrow(/another retrain is running/);
    lock.release();
    writeFileSync(file, '999999999\n'); // a pid that does not exist: the owner was killed (a lock of the older format)
    const again = acquireLock(file);
    expect(again.interrupted).toEqual({ pid: 999999999 });
    again.release();
  });
});

describe('population stability index', () => {
  it('is zero for the same distribution and large for a shifted one', () => {
    const base = Float64Array.from({ length: 1000 }, (_, i) => i);
    const profile = binProfile(base);
    expect(populationStabilityIndex(profile, base)).toBeCloseTo(0, 10);
    expect(populationStabilityIndex(profile, Float64Array.from(base, (v) => v + 500))).toBeGreaterThan(0.25);
  });

  it('matches a hand computation on two bins', () => {
    // edges [1]: bins (<=1) and (>1); expected 50/50, actual 75/25
    const profile = { edges: [1], shares: [0.5, 0.5] };
    const psi = populationStabilityIndex(profile, Float64Array.from([0, 1, 1, 2]));
    expect(psi).toBeCloseTo((0.75 - 0.5) * Math.log(0.75 / 0.5) + (0.25 - 0.5) * Math.log(0.25 / 0.5), 12);
  });
});

describe('a failed retrain', () => {
  it('is recorded, leaves the active version alone, and notifies the webhook', async () => {
    const received: unknown[] = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    const home = mkdtempSync(join(tmpdir(), 'fail-'));
    const store = await Store.open({ path: ':memory:' });
    try {
      const { port } = hook.address() as { port: number };
      const record = await retrain({ home, store, ingest: [{ kind: 'transactions', file: join(home, 'missing.csv') }], webhookUrl: `http://127.0.0.1:${port}/hook` });
      expect(record.outcome).toBe('failed');
      expect(record.reason).toMatch(/missing\.csv.*file not found/);
      expect(new Registry(home).active()).toBeNull();
      expect(listRuns(home).map((r) => r.outcome)).toEqual(['failed']);
      expect(received).toEqual([expect.objectContaining({ event: 'tierlab.retrain.failed', run: expect.objectContaining({ outcome: 'failed' }) })]);
    } finally {
      store.close();
      hook.close();
    }
  });
});

describe('a retrain with a horizon of 0 days', () => {
  it('fails before any stage and records the refusal, never a version trained on another horizon', async () => {
    // It trained with the 90-day default and recorded horizon_days: 0 in the manifest.
    const home = mkdtempSync(join(tmpdir(), 'horizon-'));
    const store = await Store.open({ path: ':memory:' });
    try {
      await loadDemo(store, { customers: 300, seed: 3 });
      const steps: unknown[] = [];
      const record = await retrain({ home, store, horizonDays: 0, onEvent: (event) => steps.push(event.step) });
      expect(record.outcome).toBe('failed');
      expect(record.reason).toMatch(/horizonDays must be a whole number of days >= 1, got 0/);
      expect(steps).not.toContain('features');
      expect(new Registry(home).active()).toBeNull();
    } finally {
      store.close();
    }
  });
});
