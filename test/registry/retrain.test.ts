import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Registry } from '../../models/registry/registry.ts';
import { listRuns, retrain } from '../../models/registry/retrain.ts';
import { literal, Store } from '../../data/store.ts';
import { CUSTOMER_PAGES } from '../../data/analytics.ts';
import { pageFilesPresent, pagesWithText } from '../../data/page-files.ts';
import { derivedStale } from '../../models/derived.ts';
import { appliedVersion, SERVED_TABLES } from '../../models/registry/outputs.ts';

const bin = join(import.meta.dirname, '..', '..', 'scripts', 'tierlab.mjs');

function tierlab(home: string, args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, TIERLAB_HOME: home }, encoding: 'utf8', timeout: 300_000 });
}

/** A home with demo data and one promoted version. */
function trainedHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'retrain-'));
  expect(tierlab(home, ['demo', '--customers', '800', '--seed', '3']).status).toBe(0);
  const first = tierlab(home, ['retrain', '--json']);
  expect(first.status, first.stderr).toBe(0);
  expect(JSON.parse(first.stdout).outcome).toBe('promoted');
  return home;
}

describe('retrain (subprocesses on a demo store)', () => {
  let home: string;
  beforeAll(() => {
    home = trainedHome();
  });

  it('records the run and logs JSON lines', () => {
    const runs = listRuns(home);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ outcome: 'promoted', version: 1, active_before: null, active_after: 1 });
    const manifest = new Registry(home).manifest(1);
    expect(manifest.data_snapshot.rows.customers).toBe(800);
    expect(manifest.data_snapshot.content_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(manifest.libraries['@duckdb/node-api']).toBeTruthy();
  });

  it('keeps the active version when the candidate is worse (--promote never keeps it too)', () => {
    const kept = tierlab(home, ['retrain', '--json', '--promote', 'never']);
    expect(kept.status).toBe(0);
    expect(JSON.parse(kept.stdout)).toMatchObject({ outcome: 'kept', active_after: 1 });
    // A version kept back is still a point of the tier history: both runs recorded every customer.
    const history = tierlab(home, ['history', 'versions', '--json']);
    expect(JSON.parse(history.stdout).map((v: { version: number; customers: number }) => [v.version, v.customers])).toEqual([[1, 800], [2, 800]]);
    const flow = tierlab(home, ['history', 'flow', '--json']);
    expect(JSON.parse(flow.stdout)).toMatchObject({ from: { version: 1 }, to: { version: 2 }, total: 800 });
    expect(kept.stderr.split('\n').filter(Boolean).every((line) => JSON.parse(line).event)).toBe(true);
  });

  it('a retrain killed with SIGKILL mid-run leaves the registry loadable with the previous active version', async () => {
    for (const delayMs of [1500, 5000]) {
      const child = spawn(process.execPath, [bin, 'retrain', '--promote', 'always'], { env: { ...process.env, TIERLAB_HOME: home }, stdio: 'ignore' });
      // Listen before the kill: a run that finishes before the delay has already exited by then.
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, delayMs));
      child.kill('SIGKILL');
      await exited;
      const registry = new Registry(home);
      const active = registry.active()!;
      expect(registry.versions()).toContain(active);
      expect(registry.manifest(active).version).toBe(active);
      expect(registry.bundle(active)).toBeTruthy();
    }
    // The killed runs left a stale lock at most: the next test's runs take it over and finish.
  });

  it('two concurrent retrains: one runs, the other exits clearly with code 75', async () => {
    const run = () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [bin, 'retrain', '--promote', 'never'], { env: { ...process.env, TIERLAB_HOME: home } });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('exit', (code) => resolve({ code, stderr }));
      });
    const [a, b] = await Promise.all([run(), run()]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 75]);
    expect((a.code === 75 ? a : b).stderr).toMatch(/another retrain is running|in use by another process/);
  });

  it('does not promote a worse candidate (auto policy)', async () => {
    const store = await Store.open({ path: join(home, 'tierlab.duckdb') });
    try {
      const before = new Registry(home).active();
      // A crippled churn model: one epoch at a vanishing learning rate ranks customers close to at random.
      const record = await retrain({ home, store, promote: 'auto', churnTrain: { candidates: ['logistic'], maxEpochs: 1, learningRate: { logistic: 1e-9 } } });
      expect(record.outcome, record.reason).toBe('kept');
      expect(record.reason).toMatch(/worse by/);
      expect(new Registry(home).active()).toBe(before);
    } finally {
      store.close();
    }
  });

  it('serves exactly the files of the version it promotes, and nothing of one it keeps', async () => {
    const store = await Store.open({ path: join(home, 'tierlab.duckdb') });
    // Rows of each served table not in the version's file, and the other way round; and the rows compared.
    const unlike = async (version: number) => {
      const counts: Record<string, [number, number]> = {};
      for (const table of SERVED_TABLES) {
        const file = join(new Registry(home).dir(version), `${table}.parquet`);
        if (!existsSync(file)) continue;
        const parquet = `read_parquet(${literal(file)})`;
        // The pages as the version keeps them: with their text, read from the page files.
        const rows = table === CUSTOMER_PAGES ? `(${await pagesWithText(store)})` : table;
        const row = await store.one<{ n: number; rows: number }>(`SELECT
          (SELECT count(*) FROM (SELECT * FROM ${rows} EXCEPT ALL SELECT * FROM ${parquet})) +
          (SELECT count(*) FROM (SELECT * FROM ${parquet} EXCEPT ALL SELECT * FROM ${rows})) AS n, (SELECT count(*) FROM ${rows}) AS rows`);
        counts[table] = [row!.n, row!.rows];
      }
      return counts;
    };
    try {
      const active = new Registry(home).active()!;
      // Another seed: a candidate whose clusters and churn scores differ from the served ones.
      const kept = await retrain({ home, store, promote: 'never', seed: 11 });
      expect(kept.outcome).toBe('kept');
      expect(await appliedVersion(store)).toBe(active);
      const servedBefore = await unlike(active);
      expect(Object.keys(servedBefore)).toEqual([...SERVED_TABLES]);
      for (const [n, rows] of Object.values(servedBefore)) expect([n, rows > 0]).toEqual([0, true]);

      const promoted = await retrain({ home, store, promote: 'always' });
      expect(promoted.outcome).toBe('promoted');
      expect(await appliedVersion(store)).toBe(promoted.version);
      const served = await unlike(promoted.version!);
      for (const [n, rows] of Object.values(served)) expect([n, rows > 0]).toEqual([0, true]);
      // The new version's customer pages are in their files for lookups, and the features are marked up to date.
      expect(await pageFilesPresent(store)).toBe(true);
      expect(await derivedStale(store)).toBe(false);
    } finally {
      store.close();
    }
  });
});
