import { closeSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { CANONICAL_FIELDS, type DatasetKind, type FieldSpec } from './columns.ts';
import { parseCsvHeader } from './csv-header.ts';
import { TierlabError } from './errors.ts';
import type { IngestOptions } from './ingest.ts';
import { literal } from './store.ts';

/**
 * The header row and delimiter, read here rather than by DuckDB's sniffer: given one malformed row the sniffer
 * settles on another dialect (the whole line as one column) and the user gets "missing column" instead of the
 * row at fault. With the dialect fixed, DuckDB reports the line of a malformed row.
 */
export function csvHeader(file: string): { delimiter: string; columns: string[] } {
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(1 << 16);
  const bytes = readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
  return parseCsvHeader(buffer.toString('utf8', 0, bytes));
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
  for (const [source, field] of Object.entries(options.mapping ?? {})) {
    if (!columns.includes(source)) {
      throw new TierlabError('missing_column', `--map names column "${source}", which the file does not have; it has: ${columns.join(', ')}`, {
        file: basename(options.file),
        column: source,
      });
    }
    sources.set(field, source);
    mapped.add(source);
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
    throw new TierlabError('missing_column', `missing required column ${missing.join(', ')}; the file has: ${columns.join(', ')} (use --map source=field)`, {
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
