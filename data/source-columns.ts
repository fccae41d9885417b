import { closeSync, openSync, readSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { CANONICAL_FIELDS, type DatasetKind, type FieldSpec } from './columns.ts';
import { parseCsvHeader } from './csv-header.ts';
import { badInput, TierlabError } from './errors.ts';
import type { IngestOptions } from './ingest-options.ts';
import { literal, type Store } from './store.ts';

/** A header line longer than this is refused: no real file has one, and it would be read into memory whole. */
const MAX_HEADER_BYTES = 4 * 1024 * 1024;

/**
 * The header row and delimiter, read here rather than by DuckDB's sniffer: given one malformed row the sniffer
 * settles on another dialect (the whole line as one column) and the user gets "missing column" instead of the
 * row at fault. With the dialect fixed, DuckDB reports the line of a malformed row. Reads up to the end of the
 * first line, however wide the file (a fixed-size read would cut the header of a file with many columns).
 */
export function csvHeader(file: string): { delimiter: string; columns: string[] } {
  const fd = openSync(file, 'r');
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for (;;) {
      const buffer = Buffer.alloc(1 << 16);
      const bytes = readSync(fd, buffer, 0, buffer.length, size);
      const chunk = buffer.subarray(0, bytes);
      chunks.push(chunk);
      size += bytes;
      if (bytes === 0 || chunk.includes(10)) break;
      if (size > MAX_HEADER_BYTES) throw new TierlabError('bad_file', `the header line is longer than ${MAX_HEADER_BYTES / 1024 / 1024} MB`, { file: basename(file), row: 0 });
    }
  } finally {
    closeSync(fd);
  }
  return parseCsvHeader(Buffer.concat(chunks).toString('utf8'));
}

/** How many columns a CSV (its header) or Parquet file (its schema) has, without reading its rows. */
export async function sourceColumnCount(store: Store, file: string): Promise<number> {
  if (extname(file).toLowerCase() !== '.parquet') return csvHeader(file).columns.length;
  try {
    return (await store.all(`DESCRIBE SELECT * FROM read_parquet(${literal(file)})`)).length;
  } catch {
    throw new TierlabError('bad_file', 'cannot read the file as Parquet', { file: basename(file) });
  }
}

/** A CSV's header and the column feeding each canonical field, read and resolved once per load. */
export interface ResolvedCsv {
  header: { delimiter: string; columns: string[] };
  sources: Map<string, string>;
}

/**
 * Reads a CSV's header and resolves its columns: the single scan tries with them and, should the file turn out
 * not to be clean, the checked load goes on with the same ones (a mapping is checked once, its errors said once).
 *
 * @example
 * const { header, sources } = resolveCsv('transactions', { kind: 'transactions', file: 'orders.csv' });
 */
export function resolveCsv(kind: DatasetKind, options: IngestOptions): ResolvedCsv {
  const header = csvHeader(options.file);
  return { header, sources: resolveColumns(kind, header.columns, options) };
}

/** The read_csv options of a file with this header: our dialect, every column with the given DuckDB type. */
export function csvReadOptions(header: { delimiter: string; columns: string[] }, typeOf: (column: string) => string): string {
  const types = header.columns.map((c) => `${literal(c)}: ${literal(typeOf(c))}`).join(', ');
  return `auto_detect = false, header = true, delim = ${literal(header.delimiter)}, quote = '"', escape = '"', columns = {${types}}`;
}

/** Which source column feeds each canonical field: the mapping first, then the field's own name (any case). */
export function resolveColumns(kind: DatasetKind, columns: string[], options: IngestOptions): Map<string, string> {
  const sources = new Map<string, string>();
  const mapped = new Set<string>();
  for (const [field, source] of Object.entries(options.mapping ?? {})) {
    if (!columns.includes(source)) {
      throw new TierlabError('missing_column', (o) => `${o.named('map')} names column "${source}", which the file does not have; it has: ${columns.join(', ')}`, {
        file: basename(options.file),
        column: source,
      });
    }
    sources.set(field, source);
    mapped.add(source);
  }
  for (const [field, source] of sources) {
    // The file's own column of that name would be dropped unseen (or, in a customers file, kept as an attribute).
    const own = columns.find((c) => c !== source && !mapped.has(c) && c.toLowerCase() === field);
    if (own !== undefined) {
      throw badInput((o) => `${o.named('map')} maps "${source}" to ${field}, but the file has a ${own} column too; map that one to another field or remove it`, { field: 'map' });
    }
  }
  for (const field of CANONICAL_FIELDS[kind]) {
    if (sources.has(field.name)) continue;
    const same = columns.find((c) => !mapped.has(c) && c.toLowerCase() === field.name);
    if (same) sources.set(field.name, same);
  }
  const generatedId = (f: FieldSpec) => f.name === 'customer_id' && options.generateIds;
  const missing = CANONICAL_FIELDS[kind].filter((f) => f.required && !sources.has(f.name) && !generatedId(f)).map((f) => f.name);
  if (kind === 'transactions' && !sources.has('amount') && !(sources.has('quantity') && sources.has('unit_price'))) {
    missing.push('amount (or quantity and unit_price)');
  }
  if (missing.length) {
    throw new TierlabError('missing_column', (o) => `missing required column ${missing.join(', ')}; the file has: ${columns.join(', ')} (use ${o.named('map', 'source=field')})`, {
      file: basename(options.file),
      column: missing[0],
    });
  }
  return sources;
}

/**
 * The file's columns that no canonical field takes: a customers file keeps them as attributes, so none; a
 * transactions or feedback file does not store them, and the summary names them so nothing goes in silence.
 * Why not keep them per line: on a log of millions of lines an attribute table would outgrow the transactions,
 * and the columns it would hold (the retail logs' Country) describe the customer, which a customers file says
 * once, or map to a field (`--map Country=channel`).
 *
 * @example
 * ignoredColumns('transactions', ['CustomerID', 'Country'], new Map([['customer_id', 'CustomerID']])); // ['Country']
 */
export function ignoredColumns(kind: DatasetKind, columns: string[], sources: Map<string, string>): string[] {
  if (kind === 'customers') return [];
  const used = new Set(sources.values());
  return columns.filter((c) => !used.has(c));
}
