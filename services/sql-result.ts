import { JSDuckDBValueConverter, type DuckDBPreparedStatement, type DuckDBStructType } from '@duckdb/node-api';
import { TierlabError } from '../data/errors.ts';

export interface ResultBounds {
  /** At most this many rows. */
  maxRows: number;
  /** At most this many bytes of rows as JSON. */
  maxBytes: number;
}

/**
 * A cell's statement inside a query that bounds its result in DuckDB, before any row reaches JavaScript: at
 * most `maxRows + 1` rows are computed (the extra one tells that more exist), DuckDB measures each row as JSON,
 * and a running sum (a streaming window, in row order) passes rows only while they fit `maxBytes`. The first
 * row that does not fit comes out as NULL with its size, so the reader can tell "cut by bytes" from "the end";
 * rows after it are dropped as they are computed, never held. Each row travels as one STRUCT, so duplicate
 * column names stay apart (`a`, `a_1`). A subquery keeps its rows' order in DuckDB, and a LIMIT over the
 * statement keeps ORDER BY ... LIMIT as cheap as it was.
 *
 * @example
 * boundedSelect('SELECT * FROM customers ORDER BY customer_id', { maxRows: 1000, maxBytes: 16e6 })
 */
export function boundedSelect(body: string, bounds: ResultBounds): string {
  const rows = Math.floor(bounds.maxRows) + 1;
  const bytes = Math.floor(bounds.maxBytes);
  return `SELECT CASE WHEN __tierlab_sum <= ${bytes} THEN __tierlab_row END AS __tierlab_row, __tierlab_bytes
FROM (SELECT __tierlab_row, __tierlab_bytes, sum(__tierlab_bytes) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS __tierlab_sum
  FROM (SELECT __tierlab_row, strlen(CAST(to_json(__tierlab_row) AS VARCHAR)) AS __tierlab_bytes
    FROM (SELECT * FROM (${body}
) LIMIT ${rows}) AS __tierlab_row))
WHERE __tierlab_sum - __tierlab_bytes <= ${bytes}`;
}

export interface BoundedResult {
  columns: { name: string; type: string }[];
  /** Each row as JSON text. */
  rows: string[];
  /** Why rows are missing: the row limit, the byte limit, or none are. */
  truncatedBy: 'rows' | 'bytes' | null;
}

function jsonValue(value: unknown): unknown {
  // Past 2^53 a JSON number would come out as a different integer; the exact digits travel as text.
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]));
  return value;
}

/**
 * Reads a prepared boundedSelect chunk by chunk. Rows are JSON text, their exact size kept within
 * `maxBytes` (DuckDB's JSON and ours differ a little: BLOBs, big integers). A first row larger than the whole
 * budget is a 413. `stop` is called once the answer is complete, so DuckDB is not left computing rows that
 * would be dropped.
 */
export async function readBounded(prepared: DuckDBPreparedStatement, bounds: ResultBounds, stop: () => void): Promise<BoundedResult> {
  const result = await prepared.stream();
  const rowType = result.columnType(0) as DuckDBStructType;
  const columns = rowType.entryNames.map((name, i) => ({ name, type: rowType.entryTypes[i].toString() }));
  const rows: string[] = [];
  let bytes = 0;
  let truncatedBy: BoundedResult['truncatedBy'] = null;
  read: for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (const [row] of chunk.convertRows(JSDuckDBValueConverter)) {
      if (row === null) {
        truncatedBy = 'bytes';
        break read;
      }
      if (rows.length === bounds.maxRows) {
        truncatedBy = 'rows';
        break read;
      }
      const text = JSON.stringify(jsonValue(row));
      bytes += Buffer.byteLength(text) + 1;
      if (bytes > bounds.maxBytes) {
        truncatedBy = 'bytes';
        break read;
      }
      rows.push(text);
    }
  }
  if (truncatedBy) stop();
  if (truncatedBy === 'bytes' && rows.length === 0) {
    throw new TierlabError('too_large', `the first row alone is larger than the ${Math.round(bounds.maxBytes / 1024)} KB a result may have; select fewer or shorter columns`, { field: 'sql' });
  }
  return { columns, rows, truncatedBy };
}
