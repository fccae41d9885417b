import { DuckDBDataChunk, DuckDBTypeId, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { TierlabError } from '../errors.ts';
import { ident, type Store } from '../store.ts';

/**
 * Reads one text value for a column of a known DuckDB type, in the form that column's vector stores. The text is
 * the wire form the ClickHouse SQL writes (features-sql.ts): integers, shortest round-trip doubles, DECIMAL as
 * whole units of its own scale (exact: no float in between), DATE as days and TIMESTAMPTZ as microseconds since
 * the epoch.
 */
type Read = (text: string) => unknown;

const double = (text: string) => (text === 'inf' ? Infinity : text === '-inf' ? -Infinity : text === 'nan' ? NaN : Number(text));

function readerFor(type: DuckDBType, column: string): Read {
  switch (type.typeId) {
    case DuckDBTypeId.VARCHAR:
      return (t) => t;
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
      return (t) => BigInt(t);
    case DuckDBTypeId.INTEGER:
      return (t) => Number(t);
    case DuckDBTypeId.DOUBLE:
      return double;
    case DuckDBTypeId.BOOLEAN:
      return (t) => t === '1' || t === 'true';
    case DuckDBTypeId.DATE:
      return (t) => ({ days: Number(t) });
    case DuckDBTypeId.TIMESTAMP_TZ:
      return (t) => ({ micros: BigInt(t) });
    case DuckDBTypeId.DECIMAL:
      return (t) => ({ value: BigInt(t) });
    default:
      throw new TierlabError('failed', `cannot copy ClickHouse values into a ${type.toString()} column`, { column });
  }
}

/** DuckDB's vector size: one data chunk holds this many rows. */
const CHUNK_ROWS = 2048;

export interface CopyOptions {
  store: Store;
  /** An existing table; its column types say how each value is read. */
  table: string;
  /** Rows of text values (null for NULL) in the table's column order. */
  rows: AsyncIterable<(string | null)[]>;
  /** Rows appended between flushes: memory holds one batch, whatever the number of rows. */
  batchRows?: number;
  /** Called after each flushed batch with the rows copied so far. */
  onBatch?: (rowsCopied: number) => void;
}

export const COPY_DEFAULTS = { batchRows: 100_000 };

/**
 * Streams rows into a DuckDB table through its appender, a data chunk at a time: each value is written into its
 * column's typed array (BigInt64Array, Float64Array, ...), each column copied into DuckDB in one call, and the
 * appender flushed every `batchRows`, so memory holds one chunk and one batch however many customers come back.
 *
 * @example
 * const copied = await copyIntoDuckDB({ store, table: 'customer_features', rows: ch.stream(sql) });
 */
export async function copyIntoDuckDB(options: CopyOptions): Promise<number> {
  const { store, table } = options;
  const batchRows = options.batchRows ?? COPY_DEFAULTS.batchRows;
  const shape = await store.connection.runAndReadAll(`SELECT * FROM ${ident(table)} LIMIT 0`);
  const names = shape.columnNames();
  const types = shape.columnTypes();
  const readers = types.map((type, i) => readerFor(type, names[i]));
  const appender = await store.connection.createAppender(table);
  const pending: (string | null)[][] = [];
  let copied = 0;
  const appendChunk = () => {
    const chunk = DuckDBDataChunk.create(types, pending.length);
    for (let c = 0; c < readers.length; c++) {
      const vector = chunk.getColumnVector(c);
      const read = readers[c];
      for (let r = 0; r < pending.length; r++) {
        const text = pending[r][c];
        vector.setItem(r, (text === null ? null : read(text)) as DuckDBValue);
      }
      vector.flush();
    }
    appender.appendDataChunk(chunk);
    copied += pending.length;
    pending.length = 0;
    if (copied % batchRows < CHUNK_ROWS) {
      appender.flushSync();
      options.onBatch?.(copied);
    }
  };
  try {
    for await (const row of options.rows) {
      if (row.length !== readers.length) {
        throw new TierlabError('failed', `ClickHouse sent ${row.length} values for the ${readers.length} columns of ${table}`, { row: copied + pending.length + 1 });
      }
      pending.push(row);
      if (pending.length === CHUNK_ROWS) appendChunk();
    }
    if (pending.length) appendChunk();
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return copied;
}
