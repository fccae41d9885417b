/**
 * Feature rows held by column: one typed array per numeric feature (NaN = missing), one list of text per
 * categorical one. The churn stage keeps its three feature sets (two backtests and everyone to score) in this
 * form, about 8 bytes a value, and makes row objects only for a bounded number of rows at a time: a training
 * sample or a scoring batch. A million customers' rows as objects took several GB of heap; as columns they take
 * a few hundred MB.
 */
import { columnKinds, toColumns, type FeatureRow, type FeatureTable } from './columns.ts';
import type { RawColumn } from './gbdt/bins.ts';
import type { ChurnModel, Dataset } from './model.ts';

/** A feature table with customer ids and 0/1 churn labels, one per row. */
export interface LabelledTable {
  ids: string[];
  table: FeatureTable;
  labels: Float64Array;
}

/** Rows of a model batch: predictions and reasons are computed this many rows at a time. */
export const TABLE_BATCH_ROWS = 50_000;

/** The rows at `idx` (in that order) of every column; an index of -1 gives a missing value. */
export function takeTable(table: FeatureTable, idx: ArrayLike<number>): FeatureTable {
  const columns = table.columns.map((c): RawColumn => {
    if (c.kind === 'numeric') {
      const values = new Float64Array(idx.length);
      for (let i = 0; i < idx.length; i++) values[i] = idx[i] < 0 ? NaN : c.values[idx[i]];
      return { ...c, values };
    }
    const values = new Array<string | null>(idx.length);
    for (let i = 0; i < idx.length; i++) values[i] = idx[i] < 0 ? null : c.values[idx[i]];
    return { ...c, values };
  });
  return { length: idx.length, columns };
}

/** The rows at `idx` of a labelled table, ids and labels with them. */
export function takeLabelled(data: LabelledTable, idx: ArrayLike<number>): LabelledTable {
  return { ids: Array.from(idx, (i) => data.ids[i]), table: takeTable(data.table, idx), labels: Float64Array.from(idx as ArrayLike<number>, (i) => data.labels[i]) };
}

/**
 * Row objects for rows `start` to `end` (exclusive), every column in each (a missing value as null). Only ever
 * called for a bounded batch.
 *
 * @example
 * tableRows({ length: 2, columns: [{ name: 'tenure', kind: 'numeric', values: Float64Array.of(3, NaN) }] }); // [{ tenure: 3 }, { tenure: null }]
 */
export function tableRows(table: FeatureTable, start = 0, end = table.length): FeatureRow[] {
  const rows: FeatureRow[] = [];
  for (let i = start; i < end; i++) {
    const row: FeatureRow = {};
    for (const c of table.columns) {
      const v = c.values[i];
      row[c.name] = typeof v === 'number' && Number.isNaN(v) ? null : v;
    }
    rows.push(row);
  }
  return rows;
}

/** Row objects as a labelled table, their columns as `columnKinds` reads them (a table or file read as rows). */
export function tableOf(data: Dataset): LabelledTable {
  return { ids: data.ids, table: { length: data.rows.length, columns: toColumns(data.rows, columnKinds(data.rows)) }, labels: data.labels };
}

/** A labelled table as the models train on it: row objects (call it on a bounded sample). */
export function toDataset(data: LabelledTable): Dataset {
  return { ids: data.ids, rows: tableRows(data.table), labels: data.labels };
}

/**
 * Rows `start` to `end` (exclusive) of every column, sharing the numbers' memory (a view, not a copy).
 *
 * @example
 * sliceTable(table, 0, 50_000).length; // 50000
 */
export function sliceTable(table: FeatureTable, start: number, end: number): FeatureTable {
  const columns = table.columns.map((c): RawColumn => (c.kind === 'numeric' ? { ...c, values: c.values.subarray(start, end) } : { ...c, values: c.values.slice(start, end) }));
  return { length: end - start, columns };
}

/**
 * The model's calibrated probabilities for every row of `table`, `batchRows` rows at a time (a network encodes
 * its batch whole).
 *
 * @example
 * const p = predictTable(model, heldOut.table);
 */
export function predictTable(model: ChurnModel, table: FeatureTable, batchRows = TABLE_BATCH_ROWS): Float64Array {
  const out = new Float64Array(table.length);
  for (let start = 0; start < table.length; start += batchRows) out.set(model.predictTable(sliceTable(table, start, Math.min(table.length, start + batchRows))), start);
  return out;
}
