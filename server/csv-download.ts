import type { DuckDBValue } from '@duckdb/node-api';
import type { Context } from 'hono';
import { stream } from 'hono/streaming';
import type { Store } from '../data/store.ts';

export interface CsvDownload {
  store: Store;
  sql: string;
  params: Record<string, DuckDBValue>;
  filename: string;
  /** Rows the download will hold, sent ahead in X-Total-Count. */
  total: number;
  header: readonly string[];
  line: (row: Record<string, unknown>) => string;
}

/**
 * A streamed CSV download: rows leave as DuckDB produces them, never all in memory; the count goes ahead in
 * X-Total-Count so a client can say how many before the last row arrives. Every export route answers here.
 *
 * @example
 * return csvDownload(c, { store, sql, params, filename: 'at-risk.csv', total, header: COLUMNS, line: (r) => csvLine(r) });
 */
export async function csvDownload(c: Context, d: CsvDownload): Promise<Response> {
  // A streaming result lives on its connection until read out; another query there would end it early.
  const connection = await d.store.instance.connect();
  const result = await connection.stream(d.sql, d.params).catch((error) => {
    connection.closeSync();
    throw error;
  });
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', `attachment; filename="${d.filename}"`);
  c.header('X-Total-Count', String(d.total));
  c.header('Access-Control-Expose-Headers', 'X-Total-Count');
  return stream(c, async (out) => {
    try {
      await out.write(`${d.header.join(',')}\n`);
      for await (const rows of result.yieldRowObjectJs()) {
        if (out.aborted) break;
        if (rows.length) await out.write(`${rows.map((r) => d.line(r as Record<string, unknown>)).join('\n')}\n`);
      }
    } finally {
      connection.closeSync();
    }
  });
}
