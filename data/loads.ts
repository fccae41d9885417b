import type { DatasetKind } from './columns.ts';
import type { Store } from './store.ts';

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
  /** transactions only: net revenue of the loaded rows, exact, as a decimal string. */
  revenue?: string;
  /** transactions only: lines with a negative amount (returns, cancellations), kept and netted. */
  returns?: { lines: number; amount: string };
  /** Time range of the loaded rows (UTC ISO). */
  from?: string | null;
  to?: string | null;
}

export async function nextLoadId(store: Store): Promise<number> {
  return (await store.one<{ id: number }>(`SELECT coalesce(max(load_id), 0) + 1 AS id FROM loads`))!.id;
}

/** Writes the load's row; call it inside the transaction that inserts the data. */
export async function recordLoad(store: Store, summary: IngestSummary): Promise<void> {
  await store.run(`INSERT INTO loads (load_id, kind, file, loaded_at, rows_loaded, rows_rejected) VALUES ($1, $2, $3, now(), $4, $5)`, [
    summary.load_id,
    summary.kind,
    summary.file,
    summary.rows_loaded,
    summary.rows_rejected,
  ]);
}

/** Counts, customers, exact revenue and time range of the rows `rows` (a query) selects. */
export async function loadedFigures(store: Store, kind: DatasetKind, rows: string): Promise<Partial<IngestSummary>> {
  if (kind === 'transactions') {
    const row = (await store.one<Record<string, unknown>>(
      `SELECT count(*) AS rows_loaded, count(DISTINCT customer_id) AS customers, CAST(coalesce(sum(amount), 0) AS VARCHAR) AS revenue,
              count(*) FILTER (WHERE amount < 0) AS return_lines, CAST(coalesce(sum(amount) FILTER (WHERE amount < 0), 0) AS VARCHAR) AS return_amount,
              min(timestamp) AS "from", max(timestamp) AS "to" FROM (${rows})`,
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
  return (await store.one<Partial<IngestSummary>>(`SELECT count(*) AS rows_loaded, count(DISTINCT customer_id) AS customers${time} FROM (${rows})`))!;
}
