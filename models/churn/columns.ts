/**
 * Feature rows (one object per customer) to columns (one typed array per feature), the form the tree model
 * trains and scores on. A column is numeric when every present value in the training rows is a number.
 */
import type { RawColumn } from './gbdt/booster.ts';
import type { FeatureRow, FeatureValue } from './preprocess.ts';

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
