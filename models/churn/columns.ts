/**
 * Feature values by row and by column. Rows (one object per customer) are how small inputs arrive (a file, a
 * test); a `FeatureTable` (one typed array per numeric feature, one text list per categorical one) is how the
 * churn stage holds a million customers and how every member scores. A column is numeric when every present
 * value in the training rows is a number.
 */
import type { RawColumn } from './gbdt/bins.ts';

export type FeatureValue = number | string | null;
export type FeatureRow = Record<string, FeatureValue>;

/** Feature values held by column (NaN or null = missing). */
export interface FeatureTable {
  length: number;
  /** Model inputs in the order the row objects list them (that order names the model's features). */
  columns: RawColumn[];
}

export interface ColumnKind {
  name: string;
  kind: 'numeric' | 'categorical';
}

const isMissing = (v: FeatureValue | undefined) => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));

/**
 * The columns of training rows, in first-seen order; a column with no present value is left out.
 *
 * @example
 * columnKinds([{ tenure: 3, contract: 'One year' }]); // [{ name: 'tenure', kind: 'numeric' }, { name: 'contract', kind: 'categorical' }]
 */
export function columnKinds(rows: FeatureRow[]): ColumnKind[] {
  const kinds = new Map<string, ColumnKind['kind'] | 'empty'>();
  for (const row of rows) {
    for (const [name, v] of Object.entries(row)) {
      const seen = kinds.get(name) ?? 'empty';
      if (isMissing(v)) kinds.set(name, seen);
      else kinds.set(name, seen === 'categorical' || typeof v !== 'number' ? 'categorical' : 'numeric');
    }
  }
  return [...kinds].filter(([, kind]) => kind !== 'empty').map(([name, kind]) => ({ name, kind: kind as ColumnKind['kind'] }));
}

/**
 * Columns of `rows` as `kinds` says: numbers into a Float64Array (NaN = missing; text in a numeric column is
 * missing), anything into text for a categorical one.
 *
 * @example
 * toColumns([{ tenure: 3 }, { tenure: null }], [{ name: 'tenure', kind: 'numeric' }])[0].values; // Float64Array [3, NaN]
 */
export function toColumns(rows: FeatureRow[], kinds: ColumnKind[]): RawColumn[] {
  return kinds.map(({ name, kind }) => {
    if (kind === 'numeric') return { name, kind, values: Float64Array.from(rows, (r) => (typeof r[name] === 'number' ? (r[name] as number) : NaN)) };
    return { name, kind, values: rows.map((r) => (isMissing(r[name]) ? null : String(r[name]))) };
  });
}

/**
 * The table's columns as `kinds` says, read as `toColumns` reads rows: a column the table lacks is all missing,
 * text read as a number is missing, a number read as text is its string. Columns already of their kind are
 * passed through, not copied.
 *
 * @example
 * columnsAs(table, booster.columns); // what the trees score
 */
export function columnsAs(table: FeatureTable, kinds: ColumnKind[]): RawColumn[] {
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  return kinds.map(({ name, kind }): RawColumn => {
    const column = byName.get(name);
    if (column?.kind === kind) return column;
    if (kind === 'numeric') return { name, kind, values: new Float64Array(table.length).fill(NaN) };
    const values = new Array<string | null>(table.length).fill(null);
    if (column) for (let i = 0; i < table.length; i++) if (!Number.isNaN(column.values[i] as number)) values[i] = String(column.values[i]);
    return { name, kind, values };
  });
}

/** Rows as a table of the given columns' kinds. */
export const rowTable = (rows: FeatureRow[], kinds: ColumnKind[]): FeatureTable => ({ length: rows.length, columns: toColumns(rows, kinds) });
