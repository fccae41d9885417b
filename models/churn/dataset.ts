/**
 * Churn datasets from the store. Two kinds of label:
 * - explicit: `customers.churned`, features from `customer_attributes` plus transaction features when present;
 * - behavioural (no subscription to cancel): a customer who bought before a cutoff and places no order in the
 *   next `horizonDays`. Training is a backtest: features as of T - H, labels from orders in [T - H, T).
 * Label SQL is here; the feature SQL is `data/features.ts`, always called with the cutoff so no feature sees
 * the label window.
 */
import { parseDate, resolveAsOf, shiftDate } from '../../data/dates.ts';
import { buildCustomerFeatures } from '../features.ts';
import { ident, literal, type Store } from '../../data/store.ts';
import type { Engine } from '../engine/types.ts';
import type { Dataset } from './model.ts';
import type { FeatureRow, FeatureValue } from './preprocess.ts';

export type LabelKind = 'explicit' | 'behavioural';

/** Feature-table columns that are bookkeeping, not model inputs. */
const NOT_FEATURES = new Set(['customer_id', 'as_of', 'signup_date', 'first_order_at', 'last_order_at']);

const SCRATCH_TABLE = 'churn_features_scratch';

async function attributeRows(store: Store): Promise<Map<string, FeatureRow>> {
  const rows = await store.all<{ customer_id: string; name: string; kind: string; num_value: number | null; text_value: string | null }>(
    'SELECT customer_id, name, kind, num_value, text_value FROM customer_attributes ORDER BY customer_id, name',
  );
  const byCustomer = new Map<string, FeatureRow>();
  for (const r of rows) {
    const row = byCustomer.get(r.customer_id) ?? {};
    row[r.name] = r.kind === 'numeric' ? r.num_value : r.text_value;
    byCustomer.set(r.customer_id, row);
  }
  return byCustomer;
}

async function hasTransactions(store: Store): Promise<boolean> {
  return ((await store.one<{ n: number }>('SELECT count(*) AS n FROM transactions'))?.n ?? 0) > 0;
}

/** Transaction (and feedback) features as of the cutoff for every customer (one scratch table, dropped after reading). */
async function transactionFeatures(store: Store, asOf: string, engine?: Engine): Promise<Map<string, FeatureRow>> {
  await buildCustomerFeatures(store, { asOf, table: SCRATCH_TABLE, engine });
  try {
    const rows = await store.all<Record<string, FeatureValue>>(`SELECT * FROM ${ident(SCRATCH_TABLE)} ORDER BY customer_id`);
    return new Map(rows.map((r) => [String(r.customer_id), Object.fromEntries(Object.entries(r).filter(([k]) => !NOT_FEATURES.has(k)))]));
  } finally {
    await store.run(`DROP TABLE IF EXISTS ${ident(SCRATCH_TABLE)}`);
  }
}

function merge(ids: string[], ...sources: Map<string, FeatureRow>[]): FeatureRow[] {
  return ids.map((id) => Object.assign({}, ...sources.map((s) => s.get(id) ?? {})));
}

/** Customers to score and their feature rows. */
export interface Scoring {
  asOf: string;
  ids: string[];
  rows: FeatureRow[];
}

/**
 * Explicit labels: every customer with `churned` set is a training row; every customer is scored.
 *
 * @example
 * const { train, score } = await explicitDataset(store);
 */
export async function explicitDataset(store: Store, options: { asOf?: string; engine?: Engine } = {}): Promise<{ train: Dataset; score: Scoring }> {
  const customers = await store.all<{ customer_id: string; churned: boolean | null }>('SELECT customer_id, churned FROM customers ORDER BY customer_id');
  const asOf = await resolveAsOf(store, options.asOf);
  const sources = [await attributeRows(store)];
  if (await hasTransactions(store)) sources.push(await transactionFeatures(store, asOf, options.engine));
  const ids = customers.map((c) => c.customer_id);
  const rows = merge(ids, ...sources);
  const labeled = customers.flatMap((c, i) => (c.churned === null ? [] : [i]));
  return {
    train: { ids: labeled.map((i) => ids[i]), rows: labeled.map((i) => rows[i]), labels: Float64Array.from(labeled, (i) => (customers[i].churned ? 1 : 0)) },
    score: { asOf, ids, rows },
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
export async function behaviouralDataset(store: Store, options: { cutoff: string; horizonDays: number; engine?: Engine }): Promise<Dataset> {
  const { engine, ...at } = options;
  const labels = engine ? await engine.behaviouralLabels(store, at) : await behaviouralLabels(store, at);
  const features = await transactionFeatures(store, options.cutoff, engine);
  const ids = labels.map((l) => l.customer_id);
  return { ids, rows: merge(ids, await attributeRows(store), features), labels: Float64Array.from(labels, (l) => l.churned) };
}

/**
 * Everyone with a purchase before `asOf`, with features as of `asOf`: the customers a behavioural model scores.
 *
 * @example
 * const score = await behaviouralScoring(store, { asOf: '2011-12-10' });
 */
export async function behaviouralScoring(store: Store, options: { asOf: string; engine?: Engine }): Promise<Scoring> {
  const features = await transactionFeatures(store, options.asOf, options.engine);
  const ids = [...features.keys()].filter((id) => Number(features.get(id)!.frequency) > 0);
  return { asOf: options.asOf, ids, rows: merge(ids, await attributeRows(store), features) };
}

export { hasTransactions };
