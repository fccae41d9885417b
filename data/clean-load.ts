import { basename, extname } from 'node:path';
import { CANONICAL_FIELDS, type FieldType } from './columns.ts';
import type { IngestOptions } from './ingest-options.ts';
import { addCustomersAndFigures, recordLoad, type IngestSummary } from './loads.ts';
import { csvReadOptions, ignoredColumns, type ResolvedCsv } from './source-columns.ts';
import { ident, literal, type Store } from './store.ts';
import { hasNul, idSql, isMissingWord } from './value-sql.ts';

/**
 * The single-scan load of a clean transactions CSV: DuckDB reads the file straight into the table, numbers,
 * amounts and timestamps typed by its CSV reader, ids and text as written. No staging table, no per-row checks:
 * a value the typed read refuses (a bad number or date, YYYYMMDD, a malformed line), a missing id or amount (the
 * table's NOT NULL), a value the checked path reads differently (uncleanWhen) or an order already stored makes
 * the attempt roll back (so does an order on two customers), and the file goes through the checked path, which finds and reports the rows at fault.
 * So this path changes how fast a clean file loads, never what loads.
 */

/** DuckDB types the CSV reader parses itself; the others are read as text. */
const READER_TYPES: Partial<Record<FieldType, string>> = { money: 'DECIMAL(18,4)', number: 'DOUBLE', timestamp: 'TIMESTAMPTZ' };

/** The type the single scan reads a field of this type as. */
export const readerType = (type: FieldType): string => READER_TYPES[type] ?? 'VARCHAR';

/**
 * Files this path can take: transactions in CSV with an amount column, timestamps in UTC (the reader reads
 * offset-less values in the session's zone, which is UTC), and no transaction open around the load (a failed
 * attempt must be able to roll back on its own).
 */
export function oneScanApplies(store: Store, options: IngestOptions): boolean {
  return (
    options.kind === 'transactions' &&
    extname(options.file).toLowerCase() !== '.parquet' &&
    !options.generateIds &&
    (options.timezone ?? 'UTC') === 'UTC' &&
    !store.inTransaction
  );
}

/**
 * SQL true for a value as the reader read it that the checked path would read differently or refuse: ids and
 * text with spaces around them (ids are trimmed; " NA " is missing), missing words (NA, null, ...), which the
 * checked path reads as NULL, NaN, and ids with a NUL byte. (Giving the reader every spelling of the missing words as null strings would
 * catch them in the scan, but it nearly doubled the scan's CPU time.)
 */
function uncleanWhen(type: FieldType, column: string): string | undefined {
  if (type === 'id') return `starts_with(${column}, ' ') OR ends_with(${column}, ' ') OR ${isMissingWord(column)} OR ${hasNul(column)}`;
  if (!READER_TYPES[type]) return `starts_with(${column}, ' ') OR ends_with(${column}, ' ') OR ${isMissingWord(column)}`;
  if (type === 'number') return `isnan(${column})`;
  return undefined;
}

/** Does the file name an order the store already has? (Skipped, with its scan, when the store has none.) */
async function ordersAlreadyStored(store: Store, file: string, orderId: string): Promise<boolean> {
  const any = await store.one<{ n: number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM transactions LIMIT 1)`);
  if (!any!.n) return false;
  const stored = await store.one<{ n: number }>(`SELECT count(*) AS n FROM ${file} WHERE ${idSql(orderId)} IN (SELECT order_id FROM transactions)`);
  return stored!.n > 0;
}

/** Loads the file in one scan, its header and columns resolved by the caller; undefined when it is not clean (then nothing was written). */
export async function loadIfClean(store: Store, options: IngestOptions, loadId: number, csv: ResolvedCsv): Promise<IngestSummary | undefined> {
  const { header, sources } = csv;
  if (!sources.has('amount')) return undefined;
  const fields = CANONICAL_FIELDS.transactions.filter((f) => sources.has(f.name));
  const typeOf = new Map(fields.map((f) => [sources.get(f.name)!, readerType(f.type)]));
  const file = `read_csv(${literal(options.file)}, ${csvReadOptions(header, (c) => typeOf.get(c) ?? 'VARCHAR')})`;
  // A row the checked path would read differently gets no customer id, so the table's NOT NULL ends the attempt.
  const unclean = fields.map((f) => uncleanWhen(f.type, ident(sources.get(f.name)!))).filter(Boolean);
  const select = fields.map((f) => {
    const column = ident(sources.get(f.name)!);
    const value = f.type === 'id' ? idSql(column) : column;
    return f.name === 'customer_id' ? `CASE WHEN ${unclean.join(' OR ')} THEN NULL ELSE ${value} END` : value;
  });
  const say = options.onProgress ?? (() => {});
  try {
    if (await ordersAlreadyStored(store, file, ident(sources.get('order_id')!))) return undefined;
    say(`loading ${basename(options.file)} in one scan`);
    return await store.transaction(async () => {
      const names = fields.map((f) => ident(f.name)).join(', ');
      const insert = `INSERT INTO transactions (${names}, load_id) SELECT ${select.join(', ')}, ${loadId} FROM ${file}`;
      await store.runWithProgress(insert, (percent) => say(`loading ${basename(options.file)}: ${percent}%`));
      // An order on two customers rolls the attempt back; the checked path names its lines. (One grouping by order:
      // about 0.3 s a million lines here, the price of the check.)
      const split = await store.one(`SELECT 1 AS split FROM transactions WHERE load_id = ${loadId} GROUP BY order_id HAVING min(customer_id) <> max(customer_id) LIMIT 1`);
      if (split) throw new Error('an order on two customers');
      say('summarizing the loaded rows');
      const figures = await addCustomersAndFigures(store, 'transactions', `SELECT * FROM transactions WHERE load_id = ${loadId}`);
      const summary: IngestSummary = {
        kind: 'transactions',
        file: basename(options.file),
        load_id: loadId,
        rows_read: figures.rows_loaded!,
        rows_loaded: figures.rows_loaded!,
        rows_rejected: 0,
        customers: figures.customers!,
        error_count: 0,
        errors: [],
        error_kinds: [],
        ignored_columns: ignoredColumns('transactions', header.columns, sources),
        ...figures,
      };
      await recordLoad(store, summary);
      return summary;
    });
  } catch {
    // Whatever stopped the attempt (a value the reader refused, a NOT NULL), the checked path finds and names it.
    return undefined;
  }
}
