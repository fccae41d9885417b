import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { badInput, TierlabError } from '../../data/errors.ts';
import type { SqlResult, SqlRequest } from '../contracts.ts';
import type { RouteInput } from '../context.ts';
import type { Values } from '../validate.ts';
import { fromDuckDB } from '../duckdb-errors.ts';
import { withDeadline } from '../deadline.ts';
import { TextCache } from '../text-cache.ts';
import { composeCells, placeError, readCells, type CellSql } from '../sql-cells.ts';
import { checkReadOnlySelect } from '../sql-guard.ts';
import { knownTables } from './sql-schema.ts';
import { boundedSelect, readBounded } from '../sql-result.ts';
import { namedParams, statementBody } from '../sql-text.ts';

const DEFAULT_ROW_LIMIT = 1000;

/** Queries whose answer changes without the data changing (clock, random numbers): never kept. */
const VOLATILE = /\b(now|random|uuid|gen_random_uuid|setseed|current_timestamp|current_date|current_time|get_current_timestamp|today|localtimestamp|localtime|transaction_timestamp)\b/i;

/**
 * POST /api/sql: one checked, read-only SELECT. Cells of a role wait their turn in a small queue
 * (server/admission.ts); a cell that has its turn runs on a connection of its own, inside a READ ONLY
 * transaction, with a deadline counted from then that is certain to interrupt it (server/deadline.ts). Rows are
 * measured by DuckDB before they are read, so a result stays within the byte limit (server/sql-result.ts).
 * Whole results are kept as their JSON text until the data changes (an upload or a version switch empties the
 * cache), within a byte budget, so re-opening a notebook does not recompute its cells (`cached: true`); a
 * failure is never kept, nor a query that reads the clock or draws random numbers.
 */
export async function runSql(input: RouteInput<Values, SqlRequest>): Promise<Response> {
  const { deps, body, role } = input;
  const started = performance.now();
  const cache = await deps.customers.memo('sql-results', async () => new TextCache({ maxBytes: deps.limits.sqlCacheBytes }));
  const cells = readCells(body.cells);
  const key = JSON.stringify([body.sql, body.params ?? {}, body.limit ?? DEFAULT_ROW_LIMIT, cells]);
  const answer = (json: string, cached: boolean) =>
    new Response(`${json.slice(0, -1)},"cached":${cached},"elapsed_ms":${Math.round(performance.now() - started)}}`, { headers: { 'content-type': 'application/json' } });
  const hit = cache.get(key);
  if (hit) return answer(hit, true);
  const queue = role === 'admin' ? deps.sqlQueues.admin : deps.sqlQueues.analyst;
  const json = await queue.run(() => executeSql(input, cells));
  if (![body.sql, ...cells.map((c) => c.sql)].some((sql) => VOLATILE.test(sql))) cache.set(key, json);
  return answer(json, false);
}

/** Runs the cell and returns its answer as JSON text (without `cached` and `elapsed_ms`). */
async function executeSql({ deps, body }: RouteInput<Values, SqlRequest>, cells: CellSql[]): Promise<string> {
  const bounds = { maxRows: body.limit ?? DEFAULT_ROW_LIMIT, maxBytes: deps.limits.sqlResultBytes };
  const cellSql = namedParams(body.sql);
  const composed = composeCells(cellSql, cells);
  const sql = boundedSelect(statementBody(composed.text), bounds);
  const connection = await deps.store.instance.connect();
  const message = `the query ran longer than ${deps.limits.sqlTimeoutMs / 1000} s and was cancelled`;
  try {
    return await withDeadline({ connection, ms: deps.limits.sqlTimeoutMs, message }, async () => {
      // The cell (with the cells it reads) is checked first on its own, so errors point into its text; then as
      // wrapped, whose errors carry no position: what runs is what was checked.
      const known = await knownTables(connection);
      await checkReadOnlySelect(connection, composed.text, known).catch((error) => {
        throw placeError(error, composed, cellSql);
      });
      await checkReadOnlySelect(connection, sql, known).catch((error) => {
        throw error instanceof TierlabError ? new TierlabError(error.code, error.message, error.place) : error;
      });
      const prepared = await connection.prepare(sql);
      try {
        bindParams(prepared, (body.params ?? {}) as Record<string, DuckDBValue>);
        await connection.run('BEGIN TRANSACTION READ ONLY');
        try {
          const result = await readBounded(prepared, bounds, () => connection.interrupt());
          const fields: Omit<SqlResult, 'rows' | 'cached' | 'elapsed_ms'> = { columns: result.columns, row_count: result.rows.length, truncated: result.truncatedBy !== null, truncated_by: result.truncatedBy };
          const head = JSON.stringify(fields);
          return `${head.slice(0, -1)},"rows":[${result.rows.join(',')}]}`;
        } finally {
          await connection.run('ROLLBACK').catch(() => {});
        }
      } finally {
        prepared.destroySync();
      }
    });
  } catch (error) {
    throw fromDuckDB(error, { clientStatement: true });
  } finally {
    connection.closeSync();
  }
}

/** Binds the given params by name; a missing one, or one the query never names (most likely a typo), is a 400. */
function bindParams(prepared: Awaited<ReturnType<DuckDBConnection['prepare']>>, given: Record<string, DuckDBValue>): void {
  const values: Record<string, DuckDBValue> = {};
  for (let i = 1; i <= prepared.parameterCount; i++) {
    const name = prepared.parameterName(i);
    if (!Object.hasOwn(given, name)) throw badInput(`parameter ${name} has no value`, { field: `params.${name}` });
    values[name] = given[name];
  }
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(values, name)) throw badInput(`params.${name} is not used by the query (it names ${Object.keys(values).map((n) => `:${n}`).join(', ') || 'no parameters'})`, { field: `params.${name}` });
  }
  if (prepared.parameterCount) prepared.bind(values);
}
