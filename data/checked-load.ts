import { extname, basename } from 'node:path';
import { CANONICAL_FIELDS, type DatasetKind, type FieldSpec } from './columns.ts';
import { TierlabError } from './errors.ts';
import type { CustomersMode, IngestOptions } from './ingest-options.ts';
import { addCustomersAndFigures, recordLoad, type ErrorKind, type IngestSummary, type RowError } from './loads.ts';
import { csvHeader, csvReadOptions, ignoredColumns, resolveColumns, type ResolvedCsv } from './source-columns.ts';
import { ident, literal, type Store } from './store.ts';
import { hasNul, isMissing, parseExpr, TYPE_WORDS } from './value-sql.ts';

/**
 * The checked load: the file goes to a staging table of text columns, every row is parsed and checked, and the
 * problems come back with their row and column. Any file can take this path; clean transaction CSVs usually
 * take the single-scan one (clean-load.ts) instead.
 */

/** Reads the file into a staging table of text columns, numbering the data rows; a CSV's header when read already. */
async function stage(store: Store, file: string, say: (message: string) => void, header?: ResolvedCsv['header']): Promise<string[]> {
  const parquet = extname(file).toLowerCase() === '.parquet';
  try {
    const source = parquet
      ? `SELECT COLUMNS(*)::VARCHAR FROM read_parquet(${literal(file)})`
      : `SELECT * FROM read_csv(${literal(file)}, ${csvReadOptions(header ?? csvHeader(file), () => 'VARCHAR')})`;
    // Rows keep the file's order in a table created from one source, so rowid numbers them (row_number() over
    // the whole file took as long as the read itself).
    await store.runWithProgress(`CREATE OR REPLACE TEMP TABLE ingest_raw AS ${source}`, (percent) => say(`reading ${basename(file)}: ${percent}%`));
    await store.run(`CREATE OR REPLACE TEMP VIEW ingest_stage AS SELECT rowid + 1 AS __row, * FROM ingest_raw`);
  } catch (error) {
    // DuckDB appends the failing statement ("LINE 1: CREATE ... TEMP TABLE ingest_raw ...") and a caret: our SQL,
    // not the user's file, so neither is shown nor read as a row number.
    const message = (error as Error).message
      .split('\n')
      .filter((l) => !/^\s*(LINE \d+:|\^)/.test(l))
      .join('\n')
      // DuckDB's kind label ("Invalid Input Error: ") says nothing to the person whose file it is.
      .replace(/^[A-Za-z][A-Za-z ]{1,30}? Error: /, '');
    const line = /line[: ]+(\d+)/i.exec(message);
    throw new TierlabError(
      'bad_file',
      `cannot read the file as ${parquet ? 'Parquet' : 'CSV'}: ${message.split('\n').slice(0, 3).join(' ').trim()}`,
      { file: basename(file), ...(line ? { row: Number(line[1]) - 1 } : {}) },
    );
  }
  const columns = await store.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ingest_stage)`);
  return columns.map((c) => c.column_name).filter((c) => c !== '__row');
}

interface Check {
  column: string;
  badWhen: string;
  /** The same words for every row with this problem (the summary counts by it). */
  problem: string;
  /** SQL for the row's message, when it says more than the problem (the value at fault). */
  message?: string;
}

/**
 * The row checks for each canonical field present: required values (an amount column, when the file has one,
 * needs a value on every row), parseable types, and an amount that can be derived when there is no such column.
 */
function fieldChecks(fields: FieldSpec[], sources: Map<string, string>, generated: Set<string>): Check[] {
  const checks: Check[] = [];
  const derivesAmount = fields.some((f) => f.name === 'amount') && !sources.has('amount');
  if (derivesAmount) {
    const [quantity, unitPrice] = ['quantity', 'unit_price'].map((f) => sources.get(f)!);
    checks.push({
      column: quantity,
      badWhen: `p.amount IS NULL AND (${isMissing(`s.${ident(quantity)}`)} OR ${isMissing(`s.${ident(unitPrice)}`)})`,
      problem: 'no amount: quantity or unit price is missing',
    });
  }
  for (const field of fields) {
    const source = sources.get(field.name);
    if (!source || generated.has(field.name)) continue;
    const raw = `s.${ident(source)}`;
    const parsed = `p.${ident(field.name)}`;
    if (field.required || field.name === 'amount') checks.push({ column: source, badWhen: isMissing(raw), problem: `empty ${field.name.replace('_', ' ')}` });
    if (field.type === 'id') checks.push({ column: source, badWhen: `NOT ${isMissing(raw)} AND ${hasNul(raw)}`, problem: 'NUL byte in id' });
    if (field.type !== 'id' && field.type !== 'text') {
      checks.push({
        column: source,
        badWhen: `NOT ${isMissing(raw)} AND ${parsed} IS NULL`,
        problem: `not ${TYPE_WORDS[field.type]}`,
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
      `SELECT __row, ${literal(idColumn)} AS "column", 'duplicate customer id' AS problem, 'duplicate customer id "' || customer_id || '" (first at row ' || first_row || ')' AS message
       FROM (SELECT __row, customer_id, min(__row) OVER (PARTITION BY customer_id) AS first_row FROM ingest_parsed WHERE customer_id IS NOT NULL)
       WHERE __row > first_row`,
    ];
  }
  if (kind === 'transactions') {
    const orderColumn = literal(sources.get('order_id')!);
    return [
      `SELECT __row, ${orderColumn} AS "column", 'order already stored' AS problem, 'order "' || order_id || '" is already stored' AS message
       FROM ingest_parsed WHERE order_id IN (SELECT DISTINCT order_id FROM transactions)`,
      // An order is one customer's: its lines naming another customer are errors, the first line decides.
      `SELECT __row, ${orderColumn} AS "column", 'order on two customers' AS problem,
              'order "' || order_id || '" belongs to customer "' || first_customer || '" (row ' || first_row || '), not "' || customer_id || '"' AS message
       FROM (SELECT __row, order_id, customer_id, first_value(customer_id) OVER w AS first_customer, first_value(__row) OVER w AS first_row
             FROM ingest_parsed WHERE order_id IS NOT NULL AND customer_id IS NOT NULL WINDOW w AS (PARTITION BY order_id ORDER BY __row))
       WHERE customer_id <> first_customer`,
    ];
  }
  return [
    `SELECT p.__row, ${literal(sources.get('text')!)} AS "column", 'feedback already stored' AS problem, 'this feedback is already stored' AS message
     FROM ingest_parsed p SEMI JOIN feedback f ON f.customer_id = p.customer_id AND f.timestamp = p.timestamp AND f.text = p.text`,
  ];
}

/**
 * Stages, checks and loads one file. All-or-nothing unless `skipBadRows`: see ingestFile.
 * Throws a TierlabError (`unprocessable`, with the summary as details) when the file is rejected.
 * `csv`: the header and columns the single scan resolved, when it tried first (they are not resolved again).
 */
export async function loadChecked(store: Store, options: IngestOptions, loadId: number, csv?: ResolvedCsv): Promise<IngestSummary> {
  const say = options.onProgress ?? (() => {});
  say(`reading ${basename(options.file)}`);
  const columns = await stage(store, options.file, say, csv?.header);
  try {
    return await checkAndLoad(store, options, columns, loadId, csv?.sources);
  } finally {
    await store.run(`DROP VIEW IF EXISTS ingest_stage; DROP TABLE IF EXISTS ingest_raw; DROP TABLE IF EXISTS ingest_parsed; DROP TABLE IF EXISTS ingest_errors;`);
  }
}

async function checkAndLoad(store: Store, options: IngestOptions, columns: string[], loadId: number, resolved?: Map<string, string>): Promise<IngestSummary> {
  const { kind, file } = options;
  const timezone = options.timezone ?? 'UTC';
  const maxErrors = options.maxErrors ?? 20;
  const say = options.onProgress ?? (() => {});
  const sources = resolved ?? resolveColumns(kind, columns, options);
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
  await store.runWithProgress(`CREATE OR REPLACE TEMP TABLE ingest_parsed AS SELECT s.__row, ${parsedColumns.join(', ')} FROM ingest_stage s`, (percent) =>
    say(`checking: ${percent}%`),
  );

  const checks = fieldChecks(fields, sources, generated);
  const checkSql = checks.map(
    (c) => `SELECT s.__row, ${literal(c.column)} AS "column", ${literal(c.problem)} AS problem, ${c.message ?? literal(c.problem)} AS message
            FROM ingest_stage s JOIN ingest_parsed p USING (__row) WHERE ${c.badWhen}`,
  );
  const idColumn = sources.get('customer_id') ?? 'customer_id';
  checkSql.push(...duplicateChecks(kind, sources, idColumn));
  await store.run(`CREATE OR REPLACE TEMP TABLE ingest_errors AS ${checkSql.join('\nUNION ALL\n')}`);
  const { error_count, rows_rejected } = (await store.one<{ error_count: number; rows_rejected: number }>(
    `SELECT count(*) AS error_count, count(DISTINCT __row) AS rows_rejected FROM ingest_errors`,
  ))!;
  const errors = await store.all<RowError>(`SELECT __row AS "row", "column", message FROM ingest_errors ORDER BY __row, "column" LIMIT ${maxErrors}`);
  const error_kinds = await store.all<ErrorKind>(
    `SELECT "column", problem, count(*) AS count FROM ingest_errors GROUP BY ALL ORDER BY count DESC, "column", problem`,
  );

  const summary: IngestSummary = {
    kind,
    file: basename(file),
    load_id: 0,
    rows_read,
    rows_loaded: 0,
    rows_rejected,
    customers: 0,
    error_count,
    errors,
    error_kinds,
    ignored_columns: ignoredColumns(kind, columns, sources),
  };
  if (kind === 'feedback') summary.language = options.language ?? 'auto';
  if (error_count > 0 && !options.skipBadRows) {
    const first = errors[0];
    throw new TierlabError(
      'unprocessable',
      (o) => `${rows_rejected} of ${rows_read} rows rejected, nothing loaded (first: ${first.message}); fix the file or pass ${o.on('skip_bad_rows')}`,
      { file: basename(file), row: first.row, column: first.column },
      summary,
    );
  }

  say(`loading ${rows_read - rows_rejected} rows`);
  // A clean file skips the anti-join (a customers file reads `good` three times).
  const good = error_count ? `SELECT * FROM ingest_parsed ANTI JOIN ingest_errors USING (__row)` : `SELECT * FROM ingest_parsed`;
  await store.transaction(async () => {
    let loaded = good;
    if (kind === 'customers') await writeCustomers(store, good, columns, sources, options.mode ?? 'upsert');
    else {
      const names = fields.filter((f) => sources.has(f.name) || f.name === 'amount' || generated.has(f.name)).map((f) => ident(f.name));
      await store.run(`INSERT INTO ${kind} (${names.join(', ')}, load_id) SELECT ${names.join(', ')}, ${loadId} FROM (${good})`);
      loaded = `SELECT * FROM ${kind} WHERE load_id = ${loadId}`;
    }
    Object.assign(summary, { load_id: loadId }, await addCustomersAndFigures(store, kind, loaded));
    await recordLoad(store, summary);
  });
  return summary;
}

/**
 * Writes the customers of a file (`good`: the parsed rows that passed the checks). `upsert` (the default)
 * updates only what the file has: signup_date and churned when the file has those columns, each attribute
 * column the file has; `replace` makes each customer in the file exactly its row: fields the file lacks become
 * empty and attributes the file lacks are removed. Customers not in the file are never touched.
 * Attributes are written from one long table (customer, name, value) built in a single pass over the file, so
 * the work grows with the number of cells, not with columns times columns.
 */
async function writeCustomers(store: Store, good: string, columns: string[], sources: Map<string, string>, mode: CustomersMode): Promise<void> {
  const present = ['signup_date', 'churned'].filter((f) => sources.has(f));
  if (mode === 'replace') {
    await store.run(
      `INSERT OR REPLACE INTO customers (customer_id, signup_date, churned)
       SELECT customer_id, ${sources.has('signup_date') ? 'signup_date' : 'NULL'}, ${sources.has('churned') ? 'churned' : 'NULL'} FROM (${good})`,
    );
    await store.run(`DELETE FROM customer_attributes WHERE customer_id IN (SELECT customer_id FROM (${good}))`);
  } else {
    const update = present.length ? `DO UPDATE SET ${present.map((f) => `${f} = excluded.${f}`).join(', ')}` : 'DO NOTHING';
    await store.run(
      `INSERT INTO customers (customer_id${present.map((f) => `, ${f}`).join('')})
       SELECT customer_id${present.map((f) => `, ${f}`).join('')} FROM (${good}) ON CONFLICT (customer_id) ${update}`,
    );
  }
  const used = new Set(sources.values());
  const extra = columns.filter((c) => !used.has(c));
  if (!extra.length) return;
  await store.run(
    `CREATE OR REPLACE TEMP TABLE ingest_attributes AS
     SELECT g.customer_id, a.name, a.value FROM (${good}) g JOIN (
       SELECT __row, unnest([${extra.map(literal).join(', ')}]) AS name, unnest([${extra.map(ident).join(', ')}]) AS value FROM ingest_stage
     ) a USING (__row)`,
  );
  try {
    // An attribute is numeric when every value present in the file is a number.
    const number = parseExpr('number', 'a.value', 'UTC');
    await store.run(
      `INSERT OR REPLACE INTO customer_attributes (customer_id, name, kind, num_value, text_value)
       SELECT a.customer_id, a.name, CASE WHEN k.numeric THEN 'numeric' ELSE 'categorical' END,
              CASE WHEN k.numeric THEN ${number} END, CASE WHEN NOT k.numeric AND NOT ${isMissing('a.value')} THEN a.value END
       FROM ingest_attributes a JOIN (
         SELECT name, bool_and(${isMissing('value')} OR TRY_CAST(trim(value) AS DOUBLE) IS NOT NULL) AS numeric FROM ingest_attributes GROUP BY name
       ) k USING (name)`,
    );
  } finally {
    await store.run('DROP TABLE ingest_attributes');
  }
}
