import type { DuckDBValue } from '@duckdb/node-api';
import { TierlabError, badInput } from '../data/errors.ts';
import type { RouteInput } from './context.ts';
import { checkReadOnlySelect, firstLine, namedParams } from './sql-guard.ts';
import type { Schema } from './validate.ts';

export const SQL_BODY: Schema = {
  sql: { type: 'string', required: true, maxLength: 100_000, description: 'one SELECT (or WITH ... SELECT)' },
  params: { type: 'scalars', description: 'named parameters, used as :name or $name' },
  limit: { type: 'integer', min: 1, max: 10_000, description: 'row limit, default 1,000' },
};

const DEFAULT_ROW_LIMIT = 1000;
/** Results kept per data state: notebooks re-run the same cells on every open. */
const CACHED_RESULTS = 200;

type SqlResult = { columns: { name: string; type: string }[]; rows: unknown[]; row_count: number; truncated: boolean; elapsed_ms: number };

/** Names a user may read: the store's tables and views (the checker rejects every other name). */
async function knownTables(run: (sql: string) => Promise<Record<string, unknown>[]>): Promise<Set<string>> {
  const rows = await run(
    `SELECT lower(table_name) AS name FROM duckdb_tables() WHERE NOT internal AND database_name = current_database()
     UNION SELECT lower(view_name) FROM duckdb_views() WHERE NOT internal AND database_name = current_database()`,
  );
  return new Set(rows.map((r) => String(r.name)));
}

function jsonValue(value: unknown): unknown {
  // Past 2^53 a JSON number would come out as a different integer; the exact digits travel as text.
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]));
  return value;
}

/**
 * POST /api/sql: one checked, read-only SELECT on a connection of its own, inside a READ ONLY transaction,
 * cut off after the time limit (the connection is interrupted, so DuckDB stops working on it too). Results are
 * kept until the data changes (an upload or a version switch empties the cache), so re-opening a notebook
 * does not recompute its cells; `cached: true` says so. Queries that read the clock or draw random numbers
 * are not kept.
 */
export async function runSql(input: RouteInput) {
  const { deps, body } = input;
  const started = performance.now();
  const results = await deps.customers.memo('sql-results', async () => new Map<string, SqlResult>());
  const key = JSON.stringify([body.sql, body.params ?? {}, body.limit ?? DEFAULT_ROW_LIMIT]);
  const hit = results.get(key);
  if (hit) return { ...hit, cached: true, elapsed_ms: Math.round(performance.now() - started) };
  const result = await executeSql(input);
  if (VOLATILE.test(body.sql as string)) return { ...result, cached: false };
  if (results.size >= CACHED_RESULTS) results.delete(results.keys().next().value!);
  results.set(key, result);
  return { ...result, cached: false };
}

/** Queries whose answer changes without the data changing (clock, random numbers): never kept. */
const VOLATILE = /\b(now|random|uuid|gen_random_uuid|setseed|current_timestamp|current_date|current_time|get_current_timestamp|today|localtimestamp|localtime|transaction_timestamp)\b/i;

async function executeSql({ deps, body }: RouteInput): Promise<SqlResult> {
  const limit: number = body.limit ?? DEFAULT_ROW_LIMIT;
  const sql = namedParams(body.sql as string);
  const connection = await deps.store.instance.connect();
  const started = performance.now();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    connection.interrupt();
  }, deps.limits.sqlTimeoutMs);
  try {
    const run = async (text: string) => (await connection.runAndReadAll(text)).getRowObjectsJS() as Record<string, unknown>[];
    await checkReadOnlySelect(connection, sql, await knownTables(run));
    const prepared = await connection.prepare(sql);
    const values: Record<string, DuckDBValue> = {};
    const given = (body.params ?? {}) as Record<string, DuckDBValue>;
    for (let i = 1; i <= prepared.parameterCount; i++) {
      const name = prepared.parameterName(i);
      if (!Object.hasOwn(given, name)) throw badInput(`parameter ${name} has no value`, { field: `params.${name}` });
      values[name] = given[name];
    }
    // A param the query never names is most likely a typo of one it does (and the UI sends only used ones).
    for (const name of Object.keys(given)) {
      if (!Object.hasOwn(values, name)) throw badInput(`params.${name} is not used by the query (it names ${Object.keys(values).map((n) => `:${n}`).join(', ') || 'no parameters'})`, { field: `params.${name}` });
    }
    if (prepared.parameterCount) prepared.bind(values);
    await connection.run('BEGIN TRANSACTION READ ONLY');
    try {
      const reader = await prepared.streamAndReadUntil(limit + 1);
      const names = reader.columnNames();
      const types = reader.columnTypes().map((t) => t.toString());
      const rows = (reader.getRowObjectsJS() as Record<string, unknown>[]).slice(0, limit).map((r) => jsonValue(r));
      return {
        columns: names.map((name, i) => ({ name, type: types[i] })),
        rows,
        row_count: rows.length,
        truncated: reader.currentRowCount > limit,
        elapsed_ms: Math.round(performance.now() - started),
      };
    } finally {
      await connection.run('ROLLBACK').catch(() => {});
      prepared.destroySync();
    }
  } catch (error) {
    if (timedOut) throw new TierlabError('timeout', `the query ran longer than ${deps.limits.sqlTimeoutMs / 1000} s and was cancelled`);
    if (error instanceof TierlabError) throw error;
    throw badInput(`SQL error: ${firstLine((error as Error).message)}`, { field: 'sql' });
  } finally {
    clearTimeout(timer);
    connection.closeSync();
  }
}
