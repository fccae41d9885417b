/**
 * Churn datasets from the store. Two kinds of label:
 * - explicit: `customers.churned`, features from `customer_attributes` plus transaction features when present;
 * - behavioural (no subscription to cancel): a customer who bought before a cutoff and places no order in the
 *   next `horizonDays`. Training is a backtest: features as of T - H, labels from orders in [T - H, T).
 * Label SQL is here; the feature SQL is `data/features.ts`, always called with the cutoff so no feature sees
 * the label window.
 */
import { copyNumbers, resultChunks } from '../../data/chunks.ts';
import { parseDate, resolveAsOf, shiftDate } from '../../data/dates.ts';
import { buildCustomerFeatures } from '../features.ts';
import { ident, literal, type Store } from '../../data/store.ts';
import type { Engine } from '../engine/types.ts';
import type { RawColumn } from './gbdt/bins.ts';
import type { FeatureTable } from './columns.ts';
import { takeTable, type LabelledTable } from './feature-table.ts';

export type LabelKind = 'explicit' | 'behavioural';

/** Feature-table columns that are bookkeeping, not model inputs. */
const NOT_FEATURES = new Set(['customer_id', 'as_of', 'signup_date', 'first_order_at', 'last_order_at']);

const SCRATCH_TABLE = 'churn_features_scratch';

const NUMERIC_TYPE = /^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|DECIMAL\b.*)$/;

/**
 * Ids and feature columns of a relation's rows by customer id (`skip` columns left out). DuckDB casts numbers to
 * DOUBLE and anything else to text; the rows are streamed chunk by chunk straight into typed arrays, so no JS
 * array of a million boxed numbers per column is ever made (reading the whole result at once left the heap of a
 * 1M-customer churn stage at gigabytes of garbage).
 */
async function readTable(store: Store, relation: string, skip: Set<string> = NOT_FEATURES): Promise<{ ids: string[]; table: FeatureTable }> {
  const described = await store.all<{ column_name: string; column_type: string }>(`DESCRIBE ${relation}`);
  const features = described.filter((c) => !skip.has(c.column_name) && c.column_name !== 'customer_id').map((c) => ({ name: c.column_name, numeric: NUMERIC_TYPE.test(c.column_type) }));
  const select = features.map((c) => `CAST(${ident(c.name)} AS ${c.numeric ? 'DOUBLE' : 'VARCHAR'})`);
  const sql = `SELECT CAST(customer_id AS VARCHAR)${select.map((e) => `, ${e}`).join('')} FROM (${relation}) ORDER BY customer_id`;
  const ids: string[] = [];
  let numbers: (Float64Array | undefined)[] = features.map((c) => (c.numeric ? new Float64Array(1 << 16) : undefined));
  const texts = features.map((c) => (c.numeric ? undefined : ([] as (string | null)[])));
  for await (const chunk of resultChunks(store.connection, sql)) {
    const n = chunk.rowCount;
    const at = ids.length;
    const idVector = chunk.getColumnVector(0);
    for (let r = 0; r < n; r++) ids.push(idVector.getItem(r) as string);
    if (at + n > (numbers.find(Boolean)?.length ?? Infinity)) numbers = numbers.map((a) => (a ? grown(a, at + n) : a));
    features.forEach((_, j) => {
      const into = numbers[j];
      if (into) return copyNumbers(chunk, j + 1, into, at);
      const vector = chunk.getColumnVector(j + 1);
      for (let r = 0; r < n; r++) texts[j]!.push(vector.getItem(r) as string | null);
    });
  }
  const columns = features.map((c, j): RawColumn => {
    if (c.numeric) return { name: c.name, kind: 'numeric', values: numbers[j]!.slice(0, ids.length) };
    // A text column with no value at all is a numeric one that is missing everywhere (as `columnKinds` reads rows).
    return texts[j]!.every((v) => v === null) ? { name: c.name, kind: 'numeric', values: new Float64Array(ids.length).fill(NaN) } : { name: c.name, kind: 'categorical', values: texts[j]! };
  });
  return { ids, table: { length: ids.length, columns } };
}

/** `values` copied into an array of at least `size` (doubling). */
function grown(values: Float64Array, size: number): Float64Array {
  let length = values.length;
  while (length < size) length *= 2;
  const out = new Float64Array(length);
  out.set(values);
  return out;
}

/** Customer attributes pivoted in SQL to one column per attribute (by name), one row per customer. */
async function attributeTable(store: Store): Promise<{ ids: string[]; table: FeatureTable }> {
  const names = await store.all<{ name: string; numeric: boolean }>(
    "SELECT name, bool_and(kind = 'numeric') AS numeric FROM customer_attributes GROUP BY name ORDER BY name",
  );
  const pivot = names.map(({ name, numeric }) => `any_value(${numeric ? 'num_value' : 'coalesce(text_value, CAST(num_value AS VARCHAR))'}) FILTER (WHERE name = ${literal(name)}) AS ${ident(name)}`);
  return readTable(store, `SELECT customer_id${pivot.map((p) => `, ${p}`).join('')} FROM customer_attributes GROUP BY customer_id`, new Set());
}

async function hasTransactions(store: Store): Promise<boolean> {
  return ((await store.one<{ n: number }>('SELECT count(*) AS n FROM transactions'))?.n ?? 0) > 0;
}

/**
 * Transaction (and feedback) features as of the cutoff for every customer (one scratch table, dropped after
 * reading), or read from `built` when the caller's run already built them as of the same cutoff.
 */
async function transactionFeatures(store: Store, asOf: string, engine?: Engine, built?: string): Promise<{ ids: string[]; table: FeatureTable }> {
  if (built) return readTable(store, `SELECT * FROM ${ident(built)}`);
  await buildCustomerFeatures(store, { asOf, table: SCRATCH_TABLE, engine });
  try {
    return await readTable(store, `SELECT * FROM ${ident(SCRATCH_TABLE)}`);
  } finally {
    await store.run(`DROP TABLE IF EXISTS ${ident(SCRATCH_TABLE)}`);
  }
}

/**
 * The sources' columns side by side for `ids` (a customer a source lacks is missing there); a column a later
 * source repeats takes that source's values, as spreading the rows one over the other did.
 */
function merge(ids: string[], ...sources: { ids: string[]; table: FeatureTable }[]): FeatureTable {
  const columns = new Map<string, RawColumn>();
  for (const source of sources) {
    const at = new Map(source.ids.map((id, i) => [id, i]));
    const idx = Int32Array.from(ids, (id) => at.get(id) ?? -1);
    for (const c of takeTable(source.table, idx).columns) columns.set(c.name, c);
  }
  return { length: ids.length, columns: [...columns.values()] };
}

/** Customers to score and their features. */
export interface Scoring {
  asOf: string;
  ids: string[];
  table: FeatureTable;
}

/**
 * Explicit labels: every customer with `churned` set is a training row; every customer is scored.
 *
 * @example
 * const { train, score } = await explicitDataset(store);
 */
export async function explicitDataset(store: Store, options: { asOf?: string; engine?: Engine; built?: string } = {}): Promise<{ train: LabelledTable; score: Scoring }> {
  const customers = await store.all<{ customer_id: string; churned: boolean | null }>('SELECT customer_id, churned FROM customers ORDER BY customer_id');
  const asOf = await resolveAsOf(store, options.asOf);
  const sources = [await attributeTable(store)];
  if (await hasTransactions(store)) sources.push(await transactionFeatures(store, asOf, options.engine, options.built));
  const ids = customers.map((c) => c.customer_id);
  const table = merge(ids, ...sources);
  const labeled = customers.flatMap((c, i) => (c.churned === null ? [] : [i]));
  return {
    train: { ids: labeled.map((i) => ids[i]), table: takeTable(table, labeled), labels: Float64Array.from(labeled, (i) => (customers[i].churned ? 1 : 0)) },
    score: { asOf, ids, table },
  };
}

/**
 * Behavioural labels for one cutoff: customers with a purchase order before `cutoff`, labelled 1 when they place
 * no purchase order (positive net amount) in [cutoff, cutoff + horizonDays).
 *
 * @example
 * await behaviouralLabels(store, { cutoff: '2011-09-01', horizonDays: 90 }); // [{ customer_id: 'c1', churned: 1 }, ...]
 */
export async function behaviouralLabels(store: Store, options: { cutoff: string; horizonDays: number }): Promise<{ customer_id: string; churned: number }[]> {
  const start = `TIMESTAMPTZ ${literal(`${parseDate(options.cutoff, 'cutoff')} 00:00:00+00`)}`;
  const end = `TIMESTAMPTZ ${literal(`${shiftDate(options.cutoff, options.horizonDays)} 00:00:00+00`)}`;
  return store.all(`
    WITH orders AS (
      SELECT customer_id, order_id, min(timestamp) AS ordered_at, sum(amount) AS net
      FROM transactions WHERE timestamp < ${end} GROUP BY customer_id, order_id
    )
    SELECT customer_id,
      CASE WHEN count(*) FILTER (WHERE ordered_at >= ${start}) > 0 THEN 0 ELSE 1 END AS churned
    FROM orders WHERE net > 0
    GROUP BY customer_id
    HAVING count(*) FILTER (WHERE ordered_at < ${start}) > 0
    ORDER BY customer_id`);
}

/**
 * The backtest rows for one cutoff: features as of `cutoff` (seeing nothing from the label window) and labels
 * from the `horizonDays` after it.
 *
 * @example
 * const train = await behaviouralDataset(store, { cutoff: '2011-09-10', horizonDays: 90 });
 */
export async function behaviouralDataset(store: Store, options: { cutoff: string; horizonDays: number; engine?: Engine }): Promise<LabelledTable> {
  const { engine, ...at } = options;
  const labels = engine ? await engine.behaviouralLabels(store, at) : await behaviouralLabels(store, at);
  const features = await transactionFeatures(store, options.cutoff, engine);
  const ids = labels.map((l) => l.customer_id);
  return { ids, table: merge(ids, await attributeTable(store), features), labels: Float64Array.from(labels, (l) => l.churned) };
}

/**
 * Everyone with a purchase before `asOf`, with features as of `asOf`: the customers a behavioural model scores.
 * `built` names a table of those features the caller already built as of `asOf` (a retrain's `customer_features`).
 *
 * @example
 * const score = await behaviouralScoring(store, { asOf: '2011-12-10' });
 */
export async function behaviouralScoring(store: Store, options: { asOf: string; engine?: Engine; built?: string }): Promise<Scoring> {
  const features = await transactionFeatures(store, options.asOf, options.engine, options.built);
  const frequency = features.table.columns.find((c) => c.name === 'frequency')!.values as Float64Array;
  const ids = features.ids.filter((_, i) => frequency[i] > 0);
  return { asOf: options.asOf, ids, table: merge(ids, await attributeTable(store), features) };
}

export { hasTransactions };
