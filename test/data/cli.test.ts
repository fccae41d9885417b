import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generateDemo } from '../../data/demo.ts';
import { Store } from '../../data/store.ts';
import { csv, tempDir } from './support.ts';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'scripts', 'tierlab.mjs');

/** Runs the real CLI as a user would; resolves with exit code and both streams, whatever the exit code. */
async function tierlab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const { dir, file } = tempDir('tierlab-cli-');

describe('tierlab ingest, demo and rfm on the command line', () => {
  it('ingest prints the JSON summary on stdout; a rejected file exits 3 and leaves the store as it was', async () => {
    const db = join(dir, 'cli.duckdb');
    const good = file('good.csv', csv('Client,Invoice,When,Total', ['k1,I1,2024-01-02,10.10', 'k2,I2,2024-01-03,0.20']));
    const ok = await tierlab('ingest', '--db', db, '--kind', 'transactions', '--file', good, '--map', 'Client=customer_id,Invoice=order_id,When=timestamp,Total=amount');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ kind: 'transactions', rows_loaded: 2, customers: 2, revenue: '10.3000' });

    const bad = file('bad.csv', csv('customer_id,order_id,timestamp,amount', ['k3,I3,2024-01-04,1', 'k3,I4,someday,2']));
    const rejected = await tierlab('ingest', '--db', db, '--kind', 'transactions', '--file', bad);
    expect(rejected.code).toBe(3);
    expect(JSON.parse(rejected.stdout)).toMatchObject({ rows_read: 2, rows_loaded: 0, rows_rejected: 1, error_count: 1, errors: [{ row: 2, column: 'timestamp' }] });
    expect(rejected.stderr).toContain('bad.csv, row 2, column timestamp');
    // The ingest's messages name options in the command line's terms (the API names them as query parameters).
    expect(rejected.stderr).toContain('pass --skip-bad-rows');
    const unmapped = await tierlab('ingest', '--db', db, '--kind', 'transactions', '--file', good);
    expect(unmapped.code).toBe(2);
    expect(unmapped.stderr).toContain('(use --map source=field)');

    const store = await Store.open({ path: db, readOnly: true });
    try {
      expect(await store.one(`SELECT count(*) n, CAST(sum(amount) AS VARCHAR) s FROM transactions`)).toEqual({ n: 2, s: '10.3000' });
      // As an upload does, a load refreshes what depends on the data: features and tiers of both customers.
      expect(await store.one(`SELECT count(*) n FROM customer_rfm`)).toEqual({ n: 2 });
    } finally {
      store.close();
    }
  });

  it('demo loads seeded data and rfm --json summarises it', async () => {
    const db = join(dir, 'demo.duckdb');
    const demo = await tierlab('demo', '--db', db, '--customers', '60', '--seed', '3');
    expect(demo.code).toBe(0);
    const summaries = JSON.parse(demo.stdout) as { kind: string; rows_loaded: number }[];
    const counts = generateDemo({ customers: 60, seed: 3 }).counts;
    expect(summaries.map((s) => [s.kind, s.rows_loaded])).toEqual([
      ['customers', counts.customers],
      ['transactions', counts.transactions],
      ['feedback', counts.feedback],
    ]);
    const rfm = await tierlab('rfm', '--db', db, '--json');
    expect(rfm.code).toBe(0);
    const out = JSON.parse(rfm.stdout);
    expect(out.as_of).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(out.rules.cuts.frequency[0]).toBe(1);
    const total = (groups: { customers: number }[]) => groups.reduce((s, g) => s + g.customers, 0);
    // Every customer who bought before the cutoff is in exactly one group of each dimension.
    const buyers = new Set(generateDemo({ customers: 60, seed: 3 }).transactions.trim().split('\n').slice(1).map((l) => l.split(',')[0]));
    for (const dimension of ['rfm_segment', 'abc_class', 'value_tier', 'lifecycle_stage']) expect(total(out[dimension])).toBeGreaterThanOrEqual(buyers.size);
    expect(out.lifecycle_stage.find((g: { tier: string }) => g.tier === 'prospect')?.customers ?? 0).toBe(total(out.lifecycle_stage) - buyers.size);
  });

  it('--help prints each command\'s usage (exit 0); an unknown flag is named (exit 2)', async () => {
    // In parallel: each start of the CLI costs a couple of seconds of TypeScript loading.
    const [ingest, demo, rfm, unknown] = await Promise.all([
      tierlab('ingest', '--help'),
      tierlab('demo', '--help'),
      tierlab('rfm', '--help'),
      tierlab('ingest', '--kind', 'transactions', '--fiel', 'x.csv'),
    ]);
    for (const [name, help] of [['ingest', ingest], ['demo', demo], ['rfm', rfm]] as const) {
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`tierlab ${name}`);
    }
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--fiel');
  });
});

describe('generateDemo', () => {
  it('gives the same data for the same seed and other data for another seed', () => {
    const a = generateDemo({ customers: 40, seed: 9 });
    expect(generateDemo({ customers: 40, seed: 9 })).toEqual(a);
    expect(generateDemo({ customers: 40, seed: 10 }).transactions).not.toBe(a.transactions);
    expect(a.counts.customers).toBe(40);
    expect(a.transactions.trim().split('\n')).toHaveLength(a.counts.transactions + 1);
  });
});
