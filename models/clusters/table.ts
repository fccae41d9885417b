import { badInput } from '../../data/errors.ts';

/** Customers as columns: what the pipeline reads, whether it came from DuckDB, a file or a test. */
export interface CustomerTable {
  customerIds: string[];
  /** Numeric columns by name, one value per customer; NaN where the store had NULL. */
  columns: Record<string, Float64Array>;
  /** Each customer's RFM segment (null: not scored), for the comparison with the rule-based tiers. */
  rfmSegments?: (string | null)[];
}

/**
 * Builds a table from row objects, e.g. the rows of `store.all()`.
 *
 * @example
 * const table = tableFromRows(rows, ['recency_days', 'frequency', 'monetary']);
 */
export function tableFromRows(rows: Record<string, unknown>[], columns: string[]): CustomerTable {
  const table: CustomerTable = { customerIds: rows.map((r) => String(r.customer_id)), columns: {} };
  for (const name of columns) {
    const values = new Float64Array(rows.length);
    rows.forEach((row, i) => {
      const value = row[name];
      values[i] = value === null || value === undefined ? NaN : Number(value);
    });
    table.columns[name] = values;
  }
  if (rows.length && 'rfm_segment' in rows[0]) table.rfmSegments = rows.map((r) => (r.rfm_segment as string | null) ?? null);
  return table;
}

/** The column, or a bad-input error naming the columns there are. */
export function column(table: CustomerTable, name: string): Float64Array {
  const values = table.columns[name];
  if (!values) throw badInput(`unknown feature "${name}"; known: ${Object.keys(table.columns).join(', ')}`, { field: 'features' });
  return values;
}
