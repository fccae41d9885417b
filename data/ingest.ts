import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseCsvHeader } from './csv-header.ts';
import { CANONICAL_FIELDS, type DatasetKind, type FieldSpec, type FieldType } from './columns.ts';
import { TierlabError } from './errors.ts';
import { ident, literal, type Store } from './store.ts';

export interface IngestOptions {
  kind: DatasetKind;
  /** A CSV (header row) or Parquet file. */
  file: string;
  /** Source column -> canonical field, for files with their own headers. */
  mapping?: Record<string, string>;
  /** Load the good rows and report the bad ones, instead of rejecting the whole file. */
  skipBadRows?: boolean;
  /** Number the rows as customer ids (for files without an id column, such as the telecom table). */
  generateIds?: boolean;
  /** IANA zone for timestamps written without an offset. Default UTC. */
  timezone?: string;
  /** How many row errors are listed (the count is always exact). */
  maxErrors?: number;
  onProgress?: (message: string) => void;
}

export interface RowError {
  /** 1-based data row: the first row after the header is row 1. */
  row: number;
  column: string;
  message: string;
}

export interface IngestSummary {
  kind: DatasetKind;
  file: string;
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  /** Distinct customers in the loaded rows. */
  customers: number;
  /** Exact number of problems found (a row can have several). */
  error_count: number;
  errors: RowError[];
  /** transactions only: net revenue of the loaded rows, exact, as a decimal string. */
  revenue?: string;
  /** transactions only: lines with a negative amount (returns, cancellations), kept and netted. */
  returns?: { lines: number; amount: string };
  /** Time range of the loaded rows (UTC ISO). */
  from?: string | null;
  to?: string | null;
}

const MISSING = `('', 'na', 'n/a', 'null', 'nan', 'none')`;
const TRUE_WORDS = `('true', 'yes', 'y', 't', '1')`;
const FALSE_WORDS = `('false', 'no', 'n', 'f', '0')`;

/** SQL that is true when a raw text value stands for "no value". */
const isMissing = (raw: string) => `(${raw} IS NULL OR lower(trim(${raw})) IN ${MISSING})`;

/**
 * SQL parsing a raw text column to its canonical type; NULL when it cannot be parsed.
 * Timestamps: ISO dates or date-times (an explicit offset is honoured; none means `timezone`), and YYYYMMDD.
 * An offset only counts after a time of day: in a plain date such as 2024-01-15 the "-15" is the day.
 */
function parseExpr(type: FieldType, raw: string, timezone: string): string {
  const v = `trim(${raw})`;
  switch (type) {
    case 'id':
    case 'text':
      return `CASE WHEN ${isMissing(raw)} THEN NULL ELSE ${type === 'id' ? v : raw} END`;
    case 'money':
      return `TRY_CAST(${v} AS DECIMAL(18,4))`;
    case 'number':
      return `TRY_CAST(${v} AS DOUBLE)`;
    case 'boolean':
      return `CASE WHEN lower(${v}) IN ${TRUE_WORDS} THEN true WHEN lower(${v}) IN ${FALSE_WORDS} THEN false END`;
    case 'date':
      return `CASE WHEN regexp_full_match(${v}, '\\d{8}') THEN TRY_CAST(TRY_STRPTIME(${v}, '%Y%m%d') AS DATE)
        ELSE TRY_CAST(TRY_CAST(${v} AS TIMESTAMP) AS DATE) END`;
    case 'timestamp':
      return `CASE WHEN regexp_full_match(${v}, '\\d{8}') THEN timezone(${literal(timezone)}, TRY_STRPTIME(${v}, '%Y%m%d'))
        WHEN regexp_matches(${v}, '\\d:\\d\\d(:\\d\\d(\\.\\d+)?)?\\s*(Z|[+-]\\d\\d(:?\\d\\d)?)$') THEN TRY_CAST(${v} AS TIMESTAMPTZ)
        ELSE timezone(${literal(timezone)}, TRY_CAST(${v} AS TIMESTAMP)) END`;
  }
}

const TYPE_WORDS: Record<FieldType, string> = {
  id: 'an id',
  text: 'text',
  money: 'an amount (a decimal number)',
  number: 'a number',
  boolean: 'true/false, yes/no or 1/0',
  date: 'a date (ISO or YYYYMMDD)',
  timestamp: 'a date or date-time (ISO or YYYYMMDD)',
};

/**
 * The header row and delimiter, read here rather than by DuckDB's sniffer: given one malformed row the sniffer
 * settles on another dialect (the whole line as one column) and the user gets "missing column" instead of the
 * row at fault. With the dialect fixed, DuckDB reports the line of a malformed row.
 */
function csvHeader(file: string): { delimiter: string; columns: string[] } {
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(1 << 16);
  const bytes = readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
  return parseCsvHeader(buffer.toString('utf8', 0, bytes));
}

function csvSource(file: string): string {
  const { delimiter, columns } = csvHeader(file);
  const types = columns.map((c) => `${literal(c)}: 'VARCHAR'`).join(', ');
  return `SELECT * FROM read_csv(${literal(file)}, auto_detect = false, header = true, delim = ${literal(delimiter)},
    quote = '"', escape = '"', columns = {${types}})`;
}

/** Reads the file into a staging table of text columns, numbering the data rows. */
async function stage(store: Store, file: string): Promise<string[]> {
  const parquet = extname(file).toLowerCase() === '.parquet';
  try {
    const source = parquet ? `SELECT COLUMNS(*)::VARCHAR FROM read_parquet(${literal(file)})` : csvSource(file);
    await store.run(`CREATE OR REPLACE TEMP TABLE ingest_stage AS SELECT row_number() OVER () AS __row, * FROM (${source})`);
  } catch (error) {
    const message = (error as Error).message;
    const line = /line[: ]+(\d+)/i.exec(message);
    throw new TierlabError(
      'bad_file',
      `cannot read the file as ${parquet ? 'Parquet' : 'CSV'}: ${message.split('\n').slice(0, 3).join(' ')}`,
      { file: basename(file), ...(line ? { row: Number(line[1]) - 1 } : {}) },
    );
  }
  const columns = await store.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ingest_stage)`);
  return columns.map((c) => c.column_name).filter((c) => c !== '__row');
}

/** Which source column feeds each canonical field: the mapping first, then the field's own name (any case). */
function resolveColumns(kind: DatasetKind, columns: string[], options: IngestOptions): Map<string, string> {
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

interface Check {
  column: string;
  badWhen: string;
  message: string;
}

/** The row checks for each canonical field present: required values, parseable types. */
function fieldChecks(fields: FieldSpec[], sources: Map<string, string>, generated: Set<string>): Check[] {
  const checks: Check[] = [];
  for (const field of fields) {
    const source = sources.get(field.name);
    if (!source || generated.has(field.name)) continue;
    const raw = `s.${ident(source)}`;
    const parsed = `p.${ident(field.name)}`;
    if (field.required) checks.push({ column: source, badWhen: isMissing(raw), message: `'empty ${field.name.replace('_', ' ')}'` });
    if (field.type !== 'id' && field.type !== 'text') {
      checks.push({
        column: source,
        badWhen: `NOT ${isMissing(raw)} AND ${parsed} IS NULL`,
        message: `'expected ${TYPE_WORDS[field.type]}, got "' || left(${raw}, 40) || '"'`,
      });
    }
  }
  return checks;
}

/** Duplicates that would corrupt the store: a customer twice in one file, an order or feedback already stored. */
function duplicateChecks(kind: DatasetKind, sources: Map<string, string>, idColumn: string): string[] {
  if (kind === 'customers') {
    return [
      `SELECT __row, ${literal(idColumn)} AS "column", 'duplicate customer id "' || customer_id || '" (first at row ' || first_row || ')' AS message
       FROM (SELECT __row, customer_id, min(__row) OVER (PARTITION BY customer_id) AS first_row FROM ingest_parsed WHERE customer_id IS NOT NULL)
       WHERE __row > first_row`,
    ];
  }
  if (kind === 'transactions') {
    return [
      `SELECT __row, ${literal(sources.get('order_id')!)} AS "column", 'order "' || order_id || '" is already stored' AS message
       FROM ingest_parsed WHERE order_id IN (SELECT DISTINCT order_id FROM transactions)`,
    ];
  }
  return [
    `SELECT p.__row, ${literal(sources.get('text')!)} AS "column", 'this feedback is already stored' AS message
     FROM ingest_parsed p SEMI JOIN feedback f ON f.customer_id = p.customer_id AND f.timestamp = p.timestamp AND f.text = p.text`,
  ];
}

/** Extra columns of a customers file, typed: numeric when every present value is a number. */
async function attributeColumns(store: Store, columns: string[], used: Set<string>): Promise<{ name: string; numeric: boolean }[]> {
  const extra = columns.filter((c) => !used.has(c));
  if (!extra.length) return [];
  const counts = extra
    .map((c) => `count(*) FILTER (WHERE NOT ${isMissing(ident(c))} AND TRY_CAST(trim(${ident(c)}) AS DOUBLE) IS NULL) AS ${ident(c)}`)
    .join(', ');
  const row = (await store.one<Record<string, number>>(`SELECT ${counts} FROM ingest_stage`))!;
  return extra.map((name) => ({ name, numeric: row[name] === 0 }));
}

/**
 * Loads one file into the store. All-or-nothing: a file with any bad row is rejected and the store is left
 * exactly as it was, unless `skipBadRows` is set; then the good rows load and the bad ones are reported.
 * Throws a TierlabError (`unprocessable`, with the summary as details) when the file is rejected.
 *
 * @example
 * const summary = await ingestFile(store, { kind: 'transactions', file: 'orders.csv' });
 */
export async function ingestFile(store: Store, options: IngestOptions): Promise<IngestSummary> {
  const { file } = options;
  const say = options.onProgress ?? (() => {});
  if (!existsSync(file) || !statSync(file).isFile()) throw new TierlabError('bad_file', 'file not found', { file });

  say(`reading ${basename(file)}`);
  const columns = await stage(store, file);
  try {
    return await checkAndLoad(store, options, columns);
  } finally {
    await dropStaging(store);
  }
}

async function checkAndLoad(store: Store, options: IngestOptions, columns: string[]): Promise<IngestSummary> {
  const { kind, file } = options;
  const timezone = options.timezone ?? 'UTC';
  const maxErrors = options.maxErrors ?? 20;
  const say = options.onProgress ?? (() => {});
  const sources = resolveColumns(kind, columns, options);
  const fields = CANONICAL_FIELDS[kind];
  const generated = new Set<string>();
  const parsedColumns = fields
    .filter((f) => sources.has(f.name) || (f.name === 'customer_id' && options.generateIds))
    .map((f) => {
      if (f.name === 'customer_id' && options.generateIds && !sources.has('customer_id')) {
        generated.add('customer_id');
        return `CAST(s.__row AS VARCHAR) AS customer_id`;
      }
      return `${parseExpr(f.type, `s.${ident(sources.get(f.name)!)}`, timezone)} AS ${ident(f.name)}`;
    });
  const derivedAmount = kind === 'transactions' && !sources.has('amount');
  if (derivedAmount) parsedColumns.push(`CAST(TRY_CAST(trim(s.${ident(sources.get('quantity')!)}) AS DECIMAL(18,4)) * TRY_CAST(trim(s.${ident(sources.get('unit_price')!)}) AS DECIMAL(18,4)) AS DECIMAL(18,4)) AS amount`);

  const { rows_read } = (await store.one<{ rows_read: number }>(`SELECT count(*) AS rows_read FROM ingest_stage`))!;
  say(`checking ${rows_read} rows`);
  await store.run(`CREATE OR REPLACE TEMP TABLE ingest_parsed AS SELECT s.__row, ${parsedColumns.join(', ')} FROM ingest_stage s`);

  const checks = fieldChecks(fields, sources, generated);
  const checkSql = checks.map(
    (c) => `SELECT s.__row, ${literal(c.column)} AS "column", ${c.message} AS message
            FROM ingest_stage s JOIN ingest_parsed p USING (__row) WHERE ${c.badWhen}`,
  );
  const idColumn = sources.get('customer_id') ?? 'customer_id';
  checkSql.push(...duplicateChecks(kind, sources, idColumn));
  await store.run(`CREATE OR REPLACE TEMP TABLE ingest_errors AS ${checkSql.join('\nUNION ALL\n')}`);
  const { error_count, rows_rejected } = (await store.one<{ error_count: number; rows_rejected: number }>(
    `SELECT count(*) AS error_count, count(DISTINCT __row) AS rows_rejected FROM ingest_errors`,
  ))!;
  const errors = await store.all<RowError>(`SELECT __row AS "row", "column", message FROM ingest_errors ORDER BY __row, "column" LIMIT ${maxErrors}`);

  const summary: IngestSummary = { kind, file: basename(file), rows_read, rows_loaded: 0, rows_rejected, customers: 0, error_count, errors };
  if (error_count > 0 && !options.skipBadRows) {
    const first = errors[0];
    throw new TierlabError(
      'unprocessable',
      `${rows_rejected} of ${rows_read} rows rejected, nothing loaded (first: ${first.message}); fix the file or pass --skip-bad-rows`,
      { file: basename(file), row: first.row, column: first.column },
      summary,
    );
  }

  say(`loading ${rows_read - rows_rejected} rows`);
  // A clean file skips the anti-join, which the load runs three times over a million rows.
  const good = error_count ? `SELECT * FROM ingest_parsed ANTI JOIN ingest_errors USING (__row)` : `SELECT * FROM ingest_parsed`;
  await store.transaction(async () => {
    if (kind === 'customers') await writeCustomers(store, good, columns, sources);
    else {
      const names = fields.filter((f) => sources.has(f.name) || f.name === 'amount' || generated.has(f.name)).map((f) => ident(f.name));
      await store.run(`INSERT INTO ${kind} (${names.join(', ')}) SELECT ${names.join(', ')} FROM (${good})`);
      await store.run(`INSERT OR IGNORE INTO customers (customer_id) SELECT DISTINCT customer_id FROM (${good})`);
    }
  });
  Object.assign(summary, await loadedFigures(store, kind, good));
  return summary;
}

async function writeCustomers(store: Store, good: string, columns: string[], sources: Map<string, string>): Promise<void> {
  const has = (f: string) => sources.has(f);
  await store.run(
    `INSERT OR REPLACE INTO customers (customer_id, signup_date, churned)
     SELECT customer_id, ${has('signup_date') ? 'signup_date' : 'NULL'}, ${has('churned') ? 'churned' : 'NULL'} FROM (${good})`,
  );
  const attributes = await attributeColumns(store, columns, new Set(sources.values()));
  if (!attributes.length) return;
  await store.run(`DELETE FROM customer_attributes WHERE customer_id IN (SELECT customer_id FROM (${good}))`);
  const rows = attributes.map(({ name, numeric }) => {
    const raw = `s.${ident(name)}`;
    const value = numeric ? `TRY_CAST(trim(${raw}) AS DOUBLE), NULL` : `NULL, CASE WHEN ${isMissing(raw)} THEN NULL ELSE ${raw} END`;
    return `SELECT g.customer_id, ${literal(name)}, '${numeric ? 'numeric' : 'categorical'}', ${value}
            FROM (${good}) g JOIN ingest_stage s USING (__row)`;
  });
  await store.run(`INSERT INTO customer_attributes (customer_id, name, kind, num_value, text_value) ${rows.join(' UNION ALL ')}`);
}

async function loadedFigures(store: Store, kind: DatasetKind, good: string): Promise<Partial<IngestSummary>> {
  if (kind === 'transactions') {
    const row = (await store.one<Record<string, unknown>>(
      `SELECT count(*) AS rows_loaded, count(DISTINCT customer_id) AS customers, CAST(coalesce(sum(amount), 0) AS VARCHAR) AS revenue,
              count(*) FILTER (WHERE amount < 0) AS return_lines, CAST(coalesce(sum(amount) FILTER (WHERE amount < 0), 0) AS VARCHAR) AS return_amount,
              min(timestamp) AS "from", max(timestamp) AS "to" FROM (${good})`,
    ))!;
    return {
      rows_loaded: row.rows_loaded as number,
      customers: row.customers as number,
      revenue: row.revenue as string,
      returns: { lines: row.return_lines as number, amount: row.return_amount as string },
      from: row.from as string | null,
      to: row.to as string | null,
    };
  }
  const time = kind === 'feedback' ? `, min(timestamp) AS "from", max(timestamp) AS "to"` : '';
  return (await store.one<Partial<IngestSummary>>(`SELECT count(*) AS rows_loaded, count(DISTINCT customer_id) AS customers${time} FROM (${good})`))!;
}

async function dropStaging(store: Store): Promise<void> {
  await store.run(`DROP TABLE IF EXISTS ingest_stage; DROP TABLE IF EXISTS ingest_parsed; DROP TABLE IF EXISTS ingest_errors;`);
}
