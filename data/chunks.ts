import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';

/**
 * A query's result streamed one DuckDB data chunk (about 2,048 rows) at a time: what reads a million rows into
 * typed arrays uses, so no JS array of every row's values is ever made.
 *
 * @example
 * for await (const chunk of resultChunks(store.connection, 'SELECT recency_days FROM customer_features')) copyNumbers(chunk, 0, into, at);
 */
export async function* resultChunks(connection: DuckDBConnection, sql: string): AsyncGenerator<DuckDBDataChunk> {
  const result = await connection.stream(sql);
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) yield chunk;
}

/** Writes column `column` of a chunk (numbers; NULL as NaN) into `into` from position `at`, at most `into`'s room. */
export function copyNumbers(chunk: DuckDBDataChunk, column: number, into: Float64Array, at: number): void {
  const vector = chunk.getColumnVector(column);
  const n = Math.min(chunk.rowCount, into.length - at);
  for (let r = 0; r < n; r++) into[at + r] = (vector.getItem(r) as number | null) ?? NaN;
}
