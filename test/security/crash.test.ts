import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../data/demo.ts';
import { ingestFile } from '../../data/ingest.ts';
import { Store } from '../../data/store.ts';
import { Registry } from '../../models/registry/registry.ts';
import { retrain } from '../../models/registry/retrain.ts';
import { TokenStore } from '../../server/auth.ts';
import { storeFigures, within } from './support.ts';

const root = join(import.meta.dirname, '..', '..');

/** `tierlab serve` in a process of its own, on a free port. */
async function serve(home: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(root, 'scripts', 'tierlab.mjs'), 'serve', '--port', '0'], { cwd: root, env: { ...process.env, TIERLAB_HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const url = await within(90_000, 'the server to start', new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /serving on (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}): ${stderr.slice(-500)}`)));
  }));
  return { url, child };
}

/** SIGKILL: no clean-up of any kind runs. */
async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function figures(home: string): Promise<Record<string, unknown>> {
  const store = await Store.open({ path: join(home, 'tierlab.duckdb') });
  try {
    return await storeFigures(store);
  } finally {
    store.close();
  }
}

const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 60_000) =>
  within(ms, what, (async () => {
    while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
  })());

/**
 * Faults (issue 17: crash safety, and the low findings on crashes): the server is killed with SIGKILL mid-upload,
 * between a load and its feature rebuild, and mid-training; after a restart the store holds whole loads only,
 * nothing is left in uploads/, derived tables follow the data, and the active version is intact.
 */
describe('SIGKILL at the worst moments', () => {
  let home: string;
  let admin: string;
  let running: ChildProcess | undefined;
  const call = (url: string, path: string, init: RequestInit = {}) => fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${admin}`, ...init.headers } });

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'tierlab-crash-'));
    const store = await Store.open({ path: join(home, 'tierlab.duckdb') });
    try {
      await loadDemo(store, { customers: 250, seed: 3 });
      const run = await retrain({ home, store, promote: 'always', webhookUrl: '' });
      expect(run.outcome).toBe('promoted');
    } finally {
      store.close();
    }
    admin = new TokenStore(home).create('admin');
  }, 240_000);
  afterAll(async () => {
    if (running && running.exitCode === null && running.signalCode === null) await kill(running);
    rmSync(home, { recursive: true, force: true });
  });

  it('keeps whole loads only, rebuilds what a crash left stale, and keeps the active version intact', async () => {
    const before = await figures(home);
    const uploads = join(home, 'uploads');

    // 1. Killed mid-upload, once the file is spooled and the load has begun.
    const lines = ['customer_id,order_id,timestamp,amount'];
    for (let i = 0; i < 200_000; i++) lines.push(`K${i % 5000},KILL-${i},2026-03-0${1 + (i % 9)}T10:00:00Z,${(i % 97) + 0.25}`);
    const first = await serve(home);
    running = first.child;
    const pending = call(first.url, '/api/datasets/transactions', { method: 'POST', body: `${lines.join('\n')}\n`, headers: { 'content-type': 'text/csv' } }).catch(() => undefined);
    await until('the upload to be spooled', () => existsSync(uploads) && readdirSync(uploads).some((d) => existsSync(join(uploads, d, 'transactions.csv'))));
    await new Promise((resolve) => setTimeout(resolve, 150));
    await kill(first.child);
    const answered = await pending;
    const afterUpload = await figures(home);
    // Whole or nothing: either the store is as before, or every line of the file is in it.
    if (afterUpload.transactions === before.transactions) expect(afterUpload).toEqual(before);
    else {
      expect(afterUpload.transactions).toBe((before.transactions as number) + 200_000);
      expect(answered === undefined || answered.status === 200).toBe(true);
    }

    // 2. A load whose feature rebuild never ran: the state a kill between the two leaves (the CLI's ingest,
    // which never rebuilds, makes it too).
    const file = join(home, 'late.csv');
    writeFileSync(file, 'customer_id,order_id,timestamp,amount\nLATE-1,LATE-ORDER-1,2026-05-01T10:00:00Z,30.00\n');
    const store = await Store.open({ path: join(home, 'tierlab.duckdb') });
    try {
      await ingestFile(store, { kind: 'transactions', file });
    } finally {
      store.close();
    }
    const withLate = await figures(home);

    const second = await serve(home);
    running = second.child;
    expect((await call(second.url, '/api/health')).status).toBe(200);
    expect(readdirSync(uploads)).toEqual([]);
    const late = await call(second.url, '/api/customers/LATE-1');
    expect(late.status).toBe(200);
    expect(((await late.json()) as { features: { frequency: number } }).features.frequency).toBe(1);

    // 3. Killed mid-training.
    const registry = new Registry(home);
    const versions = registry.versions();
    const job = (await (await call(second.url, '/api/jobs/train', { method: 'POST' })).json()) as { id: string };
    await until('training to be under way', async () => ((await (await call(second.url, `/api/jobs/${job.id}`)).json()) as { progress: unknown }).progress !== null);
    await kill(second.child);

    const third = await serve(home);
    running = third.child;
    const health = (await (await call(third.url, '/api/health')).json()) as { status: string; model_version: string };
    expect(health).toMatchObject({ status: 'ok', model_version: '1' });
    expect(registry.versions().filter((v) => !versions.includes(v)).every((v) => registry.problems(v).length === 0)).toBe(true);
    expect((await call(third.url, '/api/churn/at-risk?limit=2')).status).toBe(200);
    await kill(third.child);
    expect(await figures(home)).toEqual(withLate);
  });
});
