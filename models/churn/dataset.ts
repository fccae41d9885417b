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
const NOT_FEATURES = new Set(['as_of', 'signup_date', 'first_order_at', 'last_order_at']);

const SCRATCH_TABLE = 'churn_features_scratch';

/** A backtest's labels, appended for the join with its features (an engine other than DuckDB gives them as rows). */
const LABELS_TABLE = 'churn_labels_scratch';

const NUMERIC_TYPE = /^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|DECIMAL\b.*)$/;

/**
 * Ids and the other columns of a relation's rows by customer id. DuckDB casts numbers to
 * DOUBLE and anything else to text; the rows are streamed chunk by chunk straight into typed arrays, so no JS
 * array of a million boxed numbers per column is ever made (reading the whole result at once left the heap of a
 * 1M-customer churn stage at gigabytes of garbage).
 */
async function readTable(store: Store, relation: string): Promise<{ ids: string[]; table: FeatureTable }> {
  const described = await store.all<{ column_name: string; column_type: string }>(`DESCRIBE ${relation}`);
  const features = described.filter((c) => c.column_name !== 'customer_id').map((c) => ({ name: c.column_name, numeric: NUMERIC_TYPE.test(c.column_type) }));
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

/** Customer attributes pivoted in SQL to one column per attribute (by name), one row per customer, and those names. */
async function attributePivot(store: Store): Promise<{ sql: string; names: string[] }> {
  const names = await store.all<{ name: string; numeric: boolean }>(
    "SELECT name, bool_and(kind = 'numeric') AS numeric FROM customer_attributes GROUP BY name ORDER BY name",
  );
  const pivot = names.map(({ name, numeric }) => `any_value(${numeric ? 'num_value' : 'coalesce(text_value, CAST(num_value AS VARCHAR))'}) FILTER (WHERE name = ${literal(name)}) AS ${ident(name)}`);
  return { sql: `SELECT customer_id${pivot.map((p) => `, ${p}`).join('')} FROM customer_attributes GROUP BY customer_id`, names: names.map((n) => n.name) };
}

async function hasTransactions(store: Store): Promise<boolean> {
  return ((await store.one<{ n: number }>('SELECT count(*) AS n FROM transactions'))?.n ?? 0) > 0;
}

/**
 * `read` given the table of transaction (and feedback) features as of the cutoff for every customer: `built` when
 * the caller's run already built them as of the same cutoff, else a scratch table built here and dropped after.
 */
async function withFeatures<T>(store: Store, options: { asOf: string; engine?: Engine; built?: string }, read: (table: string) => Promise<T>): Promise<T> {
  if (options.built) return read(options.built);
  await buildCustomerFeatures(store, { asOf: options.asOf, table: SCRATCH_TABLE, engine: options.engine });
  try {
    return await read(SCRATCH_TABLE);
  } finally {
    await store.run(`DROP TABLE IF EXISTS ${ident(SCRATCH_TABLE)}`);
  }
}

/** The column a joined relation carries the 0/1 label in (null: no label). */
const LABEL = '__tierlab_label';

/**
 * The customers of `rows` (a relation with `customer_id` and the label column, null where unknown) with their attribute
 * columns and then their feature columns from table `features`, joined in SQL and read by customer id; a
 * customer a source lacks is missing there, and a column both have takes the features' values. Returns the
 * label column apart (NaN where it is null).
 */
async function joinedTable(store: Store, rows: string, features?: string): Promise<{ ids: string[]; table: FeatureTable; labels: Float64Array }> {
  const attributes = await attributePivot(store);
  const featureNames = features
    ? (await store.all<{ column_name: string }>(`DESCRIBE ${ident(features)}`)).map((c) => c.column_name).filter((n) => n !== 'customer_id' && !NOT_FEATURES.has(n))
    : [];
  const fromFeatures = new Set(featureNames);
  const columns = [
    ...attributes.names.map((n) => `${fromFeatures.has(n) ? 'f' : 'a'}.${ident(n)}`),
    ...featureNames.filter((n) => !attributes.names.includes(n)).map((n) => `f.${ident(n)}`),
  ];
  const { ids, table } = await readTable(
    store,
    `SELECT r.customer_id${columns.map((c) => `, ${c}`).join('')}, CAST(r.${LABEL} AS DOUBLE) AS ${LABEL}
     FROM (${rows}) r LEFT JOIN (${attributes.sql}) a ON a.customer_id = r.customer_id
     ${features ? `LEFT JOIN ${ident(features)} f ON f.customer_id = r.customer_id` : ''}`,
  );
  // The label is read as DOUBLE, so its column is numeric (NaN where null).
  const labels = (table.columns.find((c) => c.name === LABEL) as Extract<RawColumn, { kind: 'numeric' }>).values;
  return { ids, table: { length: ids.length, columns: table.columns.filter((c) => c.name !== LABEL) }, labels };
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
  const asOf = await resolveAsOf(store, options.asOf);
  const everyone = `SELECT customer_id, churned AS ${LABEL} FROM customers`;
  const { ids, table, labels } = (await hasTransactions(store))
    ? await withFeatures(store, { ...options, asOf }, (features) => joinedTable(store, everyone, features))
    : await joinedTable(store, everyone);
  const labeled = Array.from(labels.keys()).filter((i) => !Number.isNaN(labels[i]));
  return {
    train: { ids: labeled.map((i) => ids[i]), table: takeTable(table, labeled), labels: Float64Array.from(labeled, (i) => labels[i]) },
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
  await store.run(`CREATE OR REPLACE TEMP TABLE ${LABELS_TABLE} (customer_id VARCHAR, ${LABEL} DOUBLE)`);
  try {
    const appender = await store.connection.createAppender(LABELS_TABLE, 'main', 'temp');
    for (const l of labels) {
      appender.appendVarchar(l.customer_id);
      appender.appendDouble(l.churned);
      appender.endRow();
    }
    appender.closeSync();
    return await withFeatures(store, { asOf: options.cutoff, engine }, (features) => joinedTable(store, `SELECT * FROM temp.${LABELS_TABLE}`, features));
  } finally {
    await store.run(`DROP TABLE IF EXISTS temp.${LABELS_TABLE}`);
  }
}

/**
 * Everyone with a purchase before `asOf`, with features as of `asOf`: the customers a behavioural model scores.
 * `built` names a table of those features the caller already built as of `asOf` (a retrain's `customer_features`).
 *
 * @example
 * const score = await behaviouralScoring(store, { asOf: '2011-12-10' });
 */
export async function behaviouralScoring(store: Store, options: { asOf: string; engine?: Engine; built?: string }): Promise<Scoring> {
  const { ids, table } = await withFeatures(store, options, (features) => joinedTable(store, `SELECT customer_id, NULL AS ${LABEL} FROM ${ident(features)} WHERE frequency > 0`, features));
  return { asOf: options.asOf, ids, table };
}

export { hasTransactions };
