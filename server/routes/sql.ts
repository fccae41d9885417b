import type { DuckDBValue } from '@duckdb/node-api';
import { cellTexts, runSqlCell, SQL_CELL_DEFAULTS } from '../../services/sql-cell.ts';
import type { SqlRequest } from '../contracts.ts';
import type { RouteInput } from '../context.ts';
import { TextCache } from '../text-cache.ts';
import type { Values } from '../validate.ts';

/** Queries whose answer changes without the data changing (clock, random numbers): never kept. */
const VOLATILE = /\b(now|random|uuid|gen_random_uuid|setseed|current_timestamp|current_date|current_time|get_current_timestamp|today|localtimestamp|localtime|transaction_timestamp)\b/i;

/**
 * POST /api/sql: one checked, read-only SELECT (services/sql-cell.ts). Cells of a role wait their turn in a
 * small queue (server/admission.ts); the deadline counts from when a cell has its turn. Whole results are kept
 * as their JSON text until the data changes (an upload or a version switch empties the cache), within a byte
 * budget, so re-opening a notebook does not recompute its cells (`cached: true`); a failure is never kept, nor
 * a query that reads the clock or draws random numbers.
 */
export async function runSql({ deps, body, role }: RouteInput<Values, SqlRequest>): Promise<Response> {
  const started = performance.now();
  const cache = await deps.customers.memo('sql-results', async () => new TextCache({ maxBytes: deps.limits.sqlCacheBytes }));
  const options = {
    sql: body.sql,
    params: (body.params ?? {}) as Record<string, DuckDBValue>,
    limit: body.limit ?? SQL_CELL_DEFAULTS.limit,
    cells: body.cells,
    timeoutMs: deps.limits.sqlTimeoutMs,
    maxBytes: deps.limits.sqlResultBytes,
  };
  const texts = cellTexts(options);
  const key = JSON.stringify([options.sql, options.params, options.limit, options.cells ?? []]);
  const answer = (json: string, cached: boolean) =>
    new Response(`${json.slice(0, -1)},"cached":${cached},"elapsed_ms":${Math.round(performance.now() - started)}}`, { headers: { 'content-type': 'application/json' } });
  const hit = cache.get(key);
  if (hit) return answer(hit, true);
  const queue = role === 'admin' ? deps.sqlQueues.admin : deps.sqlQueues.analyst;
  const json = await queue.run(() => runSqlCell(deps.store, options));
  if (!texts.some((sql) => VOLATILE.test(sql))) cache.set(key, json);
  return answer(json, false);
}
