import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedDataDir } from '../../data/paths.ts';
import { fixture, type Fixture } from '../server/helpers.ts';
import { safeError, storeFigures } from './support.ts';

/**
 * The SQL guard against reading files (issue 17, finding 4): a CTE name declared in one scope was accepted as a
 * table name in every scope, so a quoted path used as a table elsewhere was read as a file. The store keeps the
 * uploads, the registry and the shared data folder reachable for the server itself, so those are the targets.
 */
describe('SQL cells cannot read files, whatever the names', () => {
  let f: Fixture;
  let before: Record<string, unknown>;
  const targets: Record<string, string> = {};
  beforeAll(async () => {
    f = await fixture({ customers: 60 });
    const uploads = join(f.home, 'uploads');
    const version = join(f.home, 'registry', 'versions', '0001');
    mkdirSync(uploads, { recursive: true });
    mkdirSync(version, { recursive: true });
    targets.upload = join(uploads, 'never-loaded.csv');
    writeFileSync(targets.upload, 'secret\nTOPSECRET-UPLOAD\n');
    targets.runs = join(f.home, 'registry', 'runs.jsonl');
    writeFileSync(targets.runs, '{"secret": "TOPSECRET-RUNS"}\n');
    targets.manifest = join(version, 'manifest.json');
    writeFileSync(targets.manifest, '{"secret": "TOPSECRET-MANIFEST"}');
    targets.parquet = join(version, 'customer_churn.parquet');
    const scratch = await (await DuckDBInstance.create(':memory:')).connect();
    await scratch.run(`COPY (SELECT 'TOPSECRET-PARQUET' AS secret) TO '${targets.parquet}' (FORMAT parquet)`);
    scratch.closeSync();
    targets.shared = join(sharedDataDir, 'cdnow_sample_summary.csv');
    before = await storeFigures(f.store);
  });
  afterAll(async () => {
    expect(await storeFigures(f.store)).toEqual(before);
    f.close();
  });

  const attempts = (path: string) => [
    // The report's: the CTE lives in a subquery, the path is read in the outer query.
    `SELECT b.*, b.filename FROM (WITH "${path}" AS (SELECT 1) SELECT 1 FROM "${path}") a, '${path}' b`,
    `SELECT * FROM (WITH "${path}" AS (SELECT 1 AS x) SELECT * FROM "${path}") a, "${path}" b`,
    // A CTE's own body does not see the CTE (DuckDB reads the file there).
    `WITH "${path}" AS (SELECT * FROM "${path}") SELECT * FROM "${path}"`,
    // A CTE does not see those declared after it.
    `WITH a AS (SELECT * FROM "${path}"), "${path}" AS (SELECT 1 AS x) SELECT * FROM a`,
    // The anchor of a recursive CTE does not see it either.
    `WITH RECURSIVE "${path}"(x) AS (SELECT * FROM "${path}" UNION ALL SELECT x FROM "${path}" WHERE false) SELECT * FROM "${path}"`,
    // A name from a sibling subquery's scope.
    `SELECT * FROM (WITH t AS (SELECT 1) SELECT * FROM t) a, (SELECT * FROM '${path}') b`,
    `SELECT * FROM '${path}'`,
    `SELECT * FROM read_csv('${path}')`,
  ];

  it('refuses every spelling for every reachable file, and shows nothing of it', async () => {
    for (const [what, path] of Object.entries(targets)) {
      for (const sql of attempts(path)) {
        const res = await f.call('POST', '/api/sql', { role: 'analyst', json: { sql } });
        const text = await res.clone().text();
        expect(text, `${what}: ${sql}`).not.toMatch(/TOPSECRET|Customer ID|filename/);
        expect(res.status, `${what}: ${sql}`).toBe(400);
        expect((await safeError(res)).field).toBe('sql');
      }
    }
  });

  it('still runs CTEs used where they are in scope, nested and recursive ones too', async () => {
    const ok = [
      'WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a) SELECT * FROM b',
      'SELECT * FROM (WITH a AS (SELECT 2 AS x) SELECT * FROM a) s',
      'WITH a AS (SELECT 1 AS x) SELECT * FROM (SELECT * FROM a) s',
      'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT count(*) AS n FROM r',
      'WITH customers AS (SELECT 1 AS x) SELECT * FROM customers',
    ];
    for (const sql of ok) {
      const res = await f.call('POST', '/api/sql', { role: 'analyst', json: { sql } });
      expect(res.status, sql).toBe(200);
    }
  });
});
