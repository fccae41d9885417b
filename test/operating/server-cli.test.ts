import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findServer, serverFile, type ServerAnnouncement } from '../../server/discovery.ts';
import { startServer } from '../../server/start.ts';
import { TokenStore } from '../../server/auth.ts';

const bin = join(import.meta.dirname, '..', '..', 'scripts', 'tierlab.mjs');

/**
 * Runs the CLI in another process without blocking this one: a blocked event loop would keep a pooled keep-alive
 * connection to the server that the server has meanwhile closed, and the next fetch would fail on it.
 */
function tierlab(home: string, args: string[], cwd?: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd, env: { ...process.env, TIERLAB_HOME: home, TIERLAB_WEBHOOK_URL: '' }, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

/** Waits for a condition, checking every 100 ms, up to `ms`. */
async function until<T>(what: string, check: () => T | undefined, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function get(server: { url: string; token: string }, path: string): Promise<any> {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.token}` } });
  expect(response.status, path).toBe(200);
  return response.json();
}

describe('the command line while a server runs (the README schedule)', () => {
  let home: string;
  let child: ChildProcess;
  let server: ServerAnnouncement;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'operating-'));
    expect((await tierlab(home, ['demo', '--customers', '400', '--seed', '3'])).status).toBe(0);
    const first = await tierlab(home, ['retrain', '--json']);
    expect(first.status, first.stderr).toBe(0);
    child = spawn(process.execPath, [bin, 'serve', '--port', '0'], { env: { ...process.env, TIERLAB_HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] });
    server = await until('the server to announce itself', () => findServer(home));
  }, 300_000);
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('announces itself in TIERLAB_HOME, readable by the owner only', () => {
    expect(server.pid).toBe(child.pid);
    expect(statSync(serverFile(home)).mode & 0o777).toBe(0o600);
  });

  it('runs `tierlab retrain` from another process as a server job: same exit code, progress, new version served without restart, the run in `tierlab runs`', async () => {
    expect((await get(server, '/api/health')).model_version).toBe('1');
    const run = await tierlab(home, ['retrain', '--promote', 'always', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const record = JSON.parse(run.stdout);
    expect(record).toMatchObject({ outcome: 'promoted', version: 2, active_after: 2 });
    const progress = run.stderr.split('\n').filter(Boolean).map((line) => JSON.parse(line)).filter((e) => e.event === 'progress');
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.every((e) => typeof e.step === 'string' && typeof e.elapsed_s === 'number')).toBe(true);
    // Weighted by stage cost: the fraction never goes back, and the run ends at 100%.
    const fractions = progress.map((e) => e.fraction).filter((f) => f !== undefined);
    fractions.forEach((f, i) => expect(f).toBeGreaterThanOrEqual(fractions[i - 1] ?? 0));
    expect(fractions.at(-1)).toBe(1);
    expect((await get(server, '/api/health')).model_version).toBe('2');
    const runs = JSON.parse((await tierlab(home, ['runs', '--json'])).stdout);
    expect(runs.at(-1)).toMatchObject({ run_id: record.run_id, outcome: 'promoted', version: 2 });
    // Reads go through the server's read endpoints while it holds the store.
    const versions = await tierlab(home, ['history', 'versions', '--json']);
    expect(versions.status, versions.stderr).toBe(0);
    expect(JSON.parse(versions.stdout).map((v: { version: number; customers: number }) => [v.version, v.customers])).toEqual([[1, 400], [2, 400]]);
    expect(JSON.parse((await tierlab(home, ['history', 'flow', '--json'])).stdout)).toMatchObject({ from: { version: 1 }, to: { version: 2 }, total: 400 });
    const audit = (await tierlab(home, ['audit', '--json'])).stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(audit.filter((e) => e.token === 'local-cli').map((e) => [e.action, e.outcome])).toEqual([
      ['train', 'ok'],
      ['train.finished', 'promoted'],
    ]);
  }, 300_000);

  it('loads a file through the server as an upload, and a rejected file exits 3 as without a server', async () => {
    const file = join(home, 'more.csv');
    writeFileSync(file, 'customer_id,signup_date\nnew-1,2024-01-02\n');
    const loaded = await tierlab(home, ['ingest', '--kind', 'customers', '--file', file]);
    expect(loaded.status, loaded.stderr).toBe(0);
    expect(JSON.parse(loaded.stdout)).toMatchObject({ kind: 'customers', rows_loaded: 1 });
    writeFileSync(file, 'customer_id,signup_date\nnew-2,not a date\n');
    const rejected = await tierlab(home, ['ingest', '--kind', 'customers', '--file', file]);
    expect(rejected.status, rejected.stderr).toBe(3);
    expect(JSON.parse(rejected.stdout)).toMatchObject({ rows_loaded: 0 });
  });

  it('runs the other commands that open the store inside the server: same output and exit codes, paths from where they were typed', async () => {
    writeFileSync(join(home, 'rules.json'), '{}');
    // A relative --rules path, typed in TIERLAB_HOME: the server runs elsewhere.
    const rfm = await tierlab(home, ['rfm', '--rules', 'rules.json', '--json'], home);
    expect(rfm.status, rfm.stderr).toBe(0);
    const tiers = await get(server, '/api/tiers');
    expect(JSON.parse(rfm.stdout).rfm_segment).toEqual(tiers.dimensions.rfm_segment);
    const atRisk = await tierlab(home, ['churn', 'at-risk', '--format', 'json', '--limit', '20']);
    expect(atRisk.status, atRisk.stderr).toBe(0);
    const served = await get(server, '/api/churn/at-risk?limit=20');
    expect(JSON.parse(atRisk.stdout).items.map((r: { customer_id: string }) => r.customer_id)).toEqual(served.items.map((r: { customer_id: string }) => r.customer_id));
    // A refused option fails as it does on the store itself: the message, exit 2.
    const badDate = await tierlab(home, ['clv', 'fit', '--as-of', '2024-02-30']);
    expect(badDate.status).toBe(2);
    expect(badDate.stderr).toContain('2024-02-30');
    const audit = (await tierlab(home, ['audit', '--json'])).stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(audit.filter((e) => e.action === 'command').map((e) => [e.token, e.target, e.outcome])).toEqual([
      ['local-cli', 'rfm --rules', 'ok'],
      ['local-cli', 'churn at-risk', 'ok'],
      ['local-cli', 'clv fit', 'failed: exit 2'],
    ]);
    // Only the local credential of server.json runs commands, not every admin token.
    const admin = new TokenStore(home).create('admin', { name: 'remote-admin' });
    const refused = await fetch(`${server.url}/api/commands`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ argv: ['rfm'] }) });
    expect(refused.status).toBe(403);
  }, 300_000);

  it('tells `tierlab demo`, which replaces every table, to stop the server first (exit 75)', async () => {
    const demo = await tierlab(home, ['demo', '--customers', '100']);
    expect(demo.status).toBe(75);
    expect(demo.stderr).toContain(`held by the server running at ${server.url}`);
  });

  it('withdraws the file at stop; a file left by a killed server is detected as stale and removed', async () => {
    child.kill('SIGTERM');
    await until('the server to stop', () => (child.exitCode !== null ? true : undefined));
    expect(existsSync(serverFile(home))).toBe(false);
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(serverFile(home), JSON.stringify({ ...server, pid: gone }), { mode: 0o600 });
    expect(findServer(home)).toBeUndefined();
    expect(existsSync(serverFile(home))).toBe(false);
  });

  it('serves the same answers from a restored copy of TIERLAB_HOME', async () => {
    const restored = mkdtempSync(join(tmpdir(), 'restored-'));
    cpSync(home, restored, { recursive: true });
    const token = new TokenStore(home).create('admin', { name: 'backup-check' });
    const answers = async (dir: string) => {
      const running = await startServer({ port: 0, home: dir, dbPath: join(dir, 'tierlab.duckdb'), log: () => {} });
      try {
        const client = { url: running.url, token };
        return [await get(client, '/api/health'), await get(client, '/api/churn/at-risk?limit=50'), await get(client, '/api/tiers'), await get(client, '/api/customers/C000010')];
      } finally {
        await running.close();
      }
    };
    // The token was made after the copy: copy tokens.json again, as a backup taken now would have it.
    cpSync(join(home, 'tokens.json'), join(restored, 'tokens.json'));
    expect(await answers(restored)).toEqual(await answers(home));
  }, 120_000);
});
