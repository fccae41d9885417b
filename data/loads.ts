import type { DatasetKind } from './columns.ts';
import type { Store } from './store.ts';
import { notFound } from './errors.ts';
import { checkLanguageSetting, type LanguageSetting } from './text-language.ts';

/**
 * The record of every load: one row in `loads` per file that landed, and `load_id` on the rows it brought
 * (transactions, feedback), so an analyst can tell which file a row came from.
 */

export interface RowError {
  /** 1-based data row: the first row after the header is row 1. */
  row: number;
  column: string;
  message: string;
}

/** How many times one problem was found in one column: the whole picture when the list of errors is capped. */
export interface ErrorKind {
  column: string;
  problem: string;
  count: number;
}

export interface IngestSummary {
  kind: DatasetKind;
  file: string;
  /** This load's id in the `loads` table and on the rows it loaded (0 when nothing was loaded). */
  load_id: number;
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  /** Distinct customers in the loaded rows. */
  customers: number;
  /** Exact number of problems found (a row can have several). */
  error_count: number;
  errors: RowError[];
  /** Every problem found, counted by column and problem, most frequent first. */
  error_kinds: ErrorKind[];
  /** Columns of the file no field took, so not stored (transactions and feedback; see source-columns.ts). */
  ignored_columns: string[];
  /** transactions only: net revenue of the loaded rows, exact, as a decimal string. */
  revenue?: string;
  /** transactions only: lines with a negative amount (returns, cancellations), kept and netted. */
  returns?: { lines: number; amount: string };
  /** feedback only: the language setting its texts are scored with. */
  language?: LanguageSetting;
  /** Time range of the loaded rows (UTC ISO). */
  from?: string | null;
  to?: string | null;
}

export async function nextLoadId(store: Store): Promise<number> {
  return (await store.one<{ id: number }>(`SELECT coalesce(max(load_id), 0) + 1 AS id FROM loads`))!.id;
}

/** Writes the load's row; call it inside the transaction that inserts the data. */
export async function recordLoad(store: Store, summary: IngestSummary): Promise<void> {
  await store.run(`INSERT INTO loads (load_id, kind, file, loaded_at, rows_loaded, rows_rejected, language) VALUES ($1, $2, $3, now(), $4, $5, $6)`, [
    summary.load_id,
    summary.kind,
    summary.file,
    summary.rows_loaded,
    summary.rows_rejected,
    summary.language ?? null,
  ]);
}

/** A feedback data set and the language setting its texts are scored with. */
export interface FeedbackLoad {
  load_id: number;
  file: string;
  rows_loaded: number;
  /** `auto` for feedback loaded before the setting was recorded. */
  language: LanguageSetting;
}

/** Every feedback data set with its language setting, in load order. */
export async function feedbackLoads(store: Store): Promise<FeedbackLoad[]> {
  return store.all<FeedbackLoad>(
    `SELECT load_id, file, rows_loaded, coalesce(language, 'auto') AS language FROM loads WHERE kind = 'feedback' ORDER BY load_id`,
  );
}

/**
 * Changes a feedback data set's language setting. Its texts are scored in it at the next training (or
 * `tierlab sentiment feedback`); the rows themselves are untouched.
 */
export async function setLoadLanguage(store: Store, options: { loadId: number; language: string }): Promise<FeedbackLoad> {
  const language = checkLanguageSetting(options.language);
  const load = (await feedbackLoads(store)).find((l) => l.load_id === options.loadId);
  if (!load) throw notFound(`no feedback data set with load id ${options.loadId}`, { field: 'load' });
  await store.run('UPDATE loads SET language = $1 WHERE load_id = $2', [language, options.loadId]);
  return { ...load, language };
}

/**
 * Adds the customers of the loaded rows (`rows`, a query over the rows just inserted) to `customers`, and
 * returns the rows' figures: counts, customers, exact revenue and time range. Call it inside the load's
 * transaction. Transactions are grouped by customer once, in a temp table, so the distinct customers are found
 * in one pass for both the count and the insert.
 */
export async function addCustomersAndFigures(store: Store, kind: DatasetKind, rows: string): Promise<Partial<IngestSummary>> {
  if (kind !== 'transactions') {
    if (kind === 'feedback') await store.run(`INSERT OR IGNORE INTO customers (customer_id) SELECT DISTINCT customer_id FROM (${rows})`);
    const time = kind === 'feedback' ? `, min(timestamp) AS "from", max(timestamp) AS "to"` : '';
    return (await store.one<Partial<IngestSummary>>(`SELECT count(*) AS rows_loaded, count(DISTINCT customer_id) AS customers${time} FROM (${rows})`))!;
  }
  await store.run(
    `CREATE OR REPLACE TEMP TABLE load_customers AS
     SELECT customer_id, count(*) AS lines, sum(amount) AS revenue, count(*) FILTER (WHERE amount < 0) AS return_lines,
            sum(amount) FILTER (WHERE amount < 0) AS return_amount, min(timestamp) AS first_at, max(timestamp) AS last_at
     FROM (${rows}) GROUP BY customer_id`,
  );
  try {
    await store.run(`INSERT OR IGNORE INTO customers (customer_id) SELECT customer_id FROM load_customers`);
    const row = (await store.one<Record<string, unknown>>(
      `SELECT coalesce(sum(lines), 0) AS rows_loaded, count(*) AS customers, CAST(coalesce(sum(revenue), 0) AS VARCHAR) AS revenue,
              coalesce(sum(return_lines), 0) AS return_lines, CAST(coalesce(sum(return_amount), 0) AS VARCHAR) AS return_amount,
              min(first_at) AS "from", max(last_at) AS "to" FROM load_customers`,
    ))!;
    return {
      rows_loaded: Number(row.rows_loaded),
      customers: row.customers as number,
      revenue: row.revenue as string,
      returns: { lines: Number(row.return_lines), amount: row.return_amount as string },
      from: row.from as string | null,
      to: row.to as string | null,
    };
  } finally {
    await store.run(`DROP TABLE load_customers`);
  }
}
