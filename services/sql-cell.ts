import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { withDeadline } from '../data/deadline.ts';
import { fromDuckDB } from '../data/duckdb-errors.ts';
import { badInput, TierlabError } from '../data/errors.ts';
import type { Store } from '../data/store.ts';
import { composeCells, placeError, readCells } from './sql-compose.ts';
import { checkReadOnlySelect } from './sql-guard.ts';
import { boundedSelect, readBounded } from './sql-result.ts';
import { knownTables } from './sql-schema.ts';
import { namedParams, statementBody } from './sql-text.ts';

/**
 * Running one SQL cell: checked read-only, the cells it reads put in front as CTEs (services/sql-compose.ts),
 * on a connection of its own inside a READ ONLY transaction, with a deadline certain to interrupt it
 * (data/deadline.ts), its rows measured by DuckDB before they are read so a result stays within the byte limit
 * (services/sql-result.ts). `POST /api/sql` calls it behind its admission queue and result cache.
 */

/** The row limit when none is given. */
export const SQL_CELL_DEFAULTS = { limit: 1000 } as const;

export interface SqlCellOptions {
  /** One SELECT (or WITH ... SELECT); parameters as `:name` or `$name`. */
  sql: string;
  /** A value for each parameter the query names, and no other. */
  params?: Record<string, DuckDBValue>;
  /** At most this many rows. */
  limit?: number;
  /** Earlier cells the query reads by name, as sent: `[{name, sql}]`, each before the cells that use it. */
  cells?: unknown;
  /** The deadline, counted from when the cell has its connection. */
  timeoutMs: number;
  /** At most this many bytes of rows. */
  maxBytes: number;
}

/** A cell's result (`POST /api/sql` adds `cached` and `elapsed_ms`). */
export interface SqlCellResult {
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
  row_count: number;
  truncated: boolean;
  /** What cut the rows short: the row limit or the byte limit; null when every row is here. */
  truncated_by: 'rows' | 'bytes' | null;
}

/** The SQL texts a cell runs: its own and those of the cells it reads (for telling volatile queries). */
export function cellTexts(options: Pick<SqlCellOptions, 'sql' | 'cells'>): string[] {
  return [options.sql, ...readCells(options.cells).map((c) => c.sql)];
}

/**
 * Runs the cell; answers its `SqlCellResult` as JSON text (the rows are serialized once, as read, and never
 * parsed again).
 *
 * @example
 * const json = await runSqlCell(store, { sql: 'SELECT * FROM customers LIMIT :n', params: { n: 5 }, timeoutMs: 5000, maxBytes: 8e6 });
 */
export async function runSqlCell(store: Store, options: SqlCellOptions): Promise<string> {
  const cells = readCells(options.cells);
  const bounds = { maxRows: options.limit ?? SQL_CELL_DEFAULTS.limit, maxBytes: options.maxBytes };
  const cellSql = namedParams(options.sql);
  const composed = composeCells(cellSql, cells);
  const sql = boundedSelect(statementBody(composed.text), bounds);
  const connection = await store.instance.connect();
  const message = `the query ran longer than ${options.timeoutMs / 1000} s and was cancelled`;
  try {
    return await withDeadline({ connection, ms: options.timeoutMs, message }, async () => {
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
        bindParams(prepared, options.params ?? {});
        await connection.run('BEGIN TRANSACTION READ ONLY');
        try {
          const result = await readBounded(prepared, bounds, () => connection.interrupt());
          const fields: Omit<SqlCellResult, 'rows'> = { columns: result.columns, row_count: result.rows.length, truncated: result.truncatedBy !== null, truncated_by: result.truncatedBy };
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

/** Binds the given params by name; a missing one, or one the query never names (most likely a typo), is a bad_input. */
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
