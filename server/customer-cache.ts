import { ident, type Store } from '../data/store.ts';
import { CustomerList } from './customer-list.ts';

type Row = Record<string, unknown>;

/** Columns the list filters on by equality, and the numeric ones it sorts or ranges on. */
export const LIST_TEXT_COLUMNS = ['rfm_segment', 'value_tier', 'lifecycle_stage', 'risk_band', 'cluster', 'cluster_name'];
export const LIST_NUMBER_COLUMNS = [
  'recency_days', 'frequency', 'monetary', 'avg_order_value', 'tenure_days', 'churn_probability', 'value_at_risk',
  'r_score', 'f_score', 'm_score', 'p_alive', 'clv_12m',
];

interface Snapshot {
  list: CustomerList;
  /** customer_id -> JSON text of the analytics row (a list item), sent as it is. */
  rows: Map<string, string>;
  /** customer_id -> JSON text of the whole customer page, sent as it is. */
  pages: Map<string, string>;
}

/** JSON values the way Store.all gives them: timestamps and dates as ISO strings, DECIMAL as numbers. */
function jsonExpr(column: string, type: string, table = ''): string {
  const c = `${table}${ident(column)}`;
  if (type.startsWith('TIMESTAMP')) return `strftime(CAST(${c} AS TIMESTAMPTZ) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ')`;
  if (type === 'DATE') return `strftime(${c}, '%Y-%m-%dT00:00:00.000Z')`;
  if (type.startsWith('DECIMAL') || type === 'HUGEINT') return `CAST(${c} AS DOUBLE)`;
  // Stores scored before reasons were structs keep them as a JSON list in text: hand out the list.
  if (column === 'reasons' && type === 'VARCHAR') return `CASE WHEN json_valid(${c}) THEN CAST(${c} AS JSON) ELSE to_json(${c}) END`;
  return c;
}

/** The stage that wrote each analytics column, for grouping the customer page. */
const STAGES = { tiers: 'customer_rfm', cluster: 'customer_clusters', churn: 'customer_churn', clv: 'customer_clv' } as const;

const iso = (expr: string) => `strftime(${expr} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ')`;

/**
 * Everything the customer page shows, held in memory as JSON text keyed by customer_id: the row of
 * `customer_analytics`, the customer record, the last 20 orders and the feedback (with sentiment when scored).
 * The lookup is the hottest route: one Map read instead of a five-table join and two scans per request.
 * Built in a few set-based queries, lazily, again after anything that changes the tables (uploads, training).
 *
 * @example
 * const cache = new CustomerCache(store);
 * (await cache.row('C00042'))?.rfm_segment;
 * cache.invalidate(); // after an upload
 */
export class CustomerCache {
  private readonly store: Store;
  private loading: Promise<Snapshot> | undefined;
  private readonly derived = new Map<string, Promise<unknown>>();

  constructor(store: Store) {
    this.store = store;
  }

  invalidate(): void {
    this.loading = undefined;
    this.derived.clear();
  }

  /** A value derived from the stage tables (e.g. their columns), computed once per invalidation; a failure is not kept. */
  memo<T>(name: string, compute: () => Promise<T>): Promise<T> {
    let value = this.derived.get(name) as Promise<T> | undefined;
    if (!value) {
      const computing = compute();
      this.derived.set(name, computing);
      computing.catch(() => {
        if (this.derived.get(name) === computing) this.derived.delete(name);
      });
      value = computing;
    }
    return value;
  }

  private load(): Promise<Snapshot> {
    if (this.loading) return this.loading;
    const loading = this.build();
    this.loading = loading;
    // A failed load (e.g. a stage table replaced mid-read) must not stick.
    loading.catch(() => {
      if (this.loading === loading) this.loading = undefined;
    });
    return loading;
  }

  private async build(): Promise<Snapshot> {
    const columns = await this.columns();
    const snapshot: Snapshot = { rows: new Map(), pages: new Map(), list: await this.listColumns(columns) };
    if (!columns.size) return snapshot;
    const fields = [...columns].map(([name, type]) => `${ident(name)} := ${jsonExpr(name, type)}`).join(', ');
    for (const r of await this.store.all<{ id: string; j: string }>(`SELECT customer_id AS id, CAST(to_json(struct_pack(${fields})) AS VARCHAR) AS j FROM customer_analytics`)) {
      snapshot.rows.set(r.id, r.j);
    }
    const pages = await this.store.all<{ id: string; j: string }>(`
      WITH orders AS (
        SELECT customer_id, order_id, min(timestamp) AS ts, CAST(sum(amount) AS DOUBLE) AS amount, count(*) AS lines, sum(quantity) AS items,
          list(DISTINCT product ORDER BY product) FILTER (WHERE product IS NOT NULL) AS products
        FROM transactions GROUP BY customer_id, order_id
      ),
      recent_orders AS (
        SELECT customer_id, list(struct_pack(order_id := order_id, "timestamp" := ${iso('ts')}, amount := amount, lines := lines, items := items, products := products) ORDER BY ts DESC, order_id)[1:20] AS orders
        FROM orders GROUP BY customer_id
      ),
      recent_feedback AS (
        SELECT customer_id, list(struct_pack("timestamp" := ${iso('"timestamp"')}, "text" := "text", rating := rating, channel := channel${await this.sentimentFields()}) ORDER BY "timestamp" DESC)[1:20] AS feedback
        FROM (${await this.feedbackSource()}) GROUP BY customer_id
      )
      SELECT a.customer_id AS id, CAST(to_json(struct_pack(
        customer_id := a.customer_id,
        customer := CASE WHEN c.customer_id IS NOT NULL THEN struct_pack(signup_date := strftime(c.signup_date, '%Y-%m-%dT00:00:00.000Z'), churned := c.churned) END,
        ${await this.stageFields(columns)},
        orders := coalesce(o.orders, []), feedback := coalesce(f.feedback, []))) AS VARCHAR) AS j
      FROM customer_analytics a LEFT JOIN customers c ON c.customer_id = a.customer_id
        LEFT JOIN recent_orders o ON o.customer_id = a.customer_id LEFT JOIN recent_feedback f ON f.customer_id = a.customer_id`);
    for (const r of pages) snapshot.pages.set(r.id, r.j);
    return snapshot;
  }

  /** `features := {...}, tiers := {...} | NULL, ...`: the analytics columns grouped by the stage that wrote them. */
  private async stageFields(columns: Map<string, string>): Promise<string> {
    const owner = new Map<string, string>();
    for (const [stage, table] of Object.entries(STAGES)) {
      if (!(await this.store.has(table))) continue;
      for (const c of await this.store.all<{ column_name: string }>(`DESCRIBE ${table}`)) if (c.column_name !== 'customer_id') owner.set(c.column_name, stage);
    }
    const group = (stage: string) => {
      const names = [...columns.keys()].filter((n) => n !== 'customer_id' && (owner.get(n) ?? 'features') === stage);
      return names.length ? `struct_pack(${names.map((n) => `${ident(n)} := ${jsonExpr(n, columns.get(n)!, 'a.')}`).join(', ')})` : 'NULL';
    };
    return ['features', ...Object.keys(STAGES)].map((stage) => `${stage} := ${group(stage)}`).join(',\n        ');
  }

  private async listColumns(columns: Map<string, string>): Promise<CustomerList> {
    if (!columns.size) return new CustomerList({ ids: [], text: {}, numbers: {} });
    const text = LIST_TEXT_COLUMNS.filter((c) => columns.has(c));
    const numbers = LIST_NUMBER_COLUMNS.filter((c) => columns.has(c));
    const select = ['customer_id', ...text.map((c) => `CAST(${ident(c)} AS VARCHAR) AS ${ident(c)}`), ...numbers.map((c) => `CAST(${ident(c)} AS DOUBLE) AS ${ident(c)}`)];
    const reader = await this.store.connection.runAndReadAll(`SELECT ${select.join(', ')} FROM customer_analytics`);
    const data = reader.getColumnsJS();
    return new CustomerList({
      ids: data[0] as string[],
      text: Object.fromEntries(text.map((c, j) => [c, data[1 + j] as (string | null)[]])),
      numbers: Object.fromEntries(numbers.map((c, j) => [c, Float64Array.from(data[1 + text.length + j] as (number | null)[], (v) => v ?? Number.NaN)])),
    });
  }

  async list(): Promise<CustomerList> {
    return (await this.load()).list;
  }

  /** The sentiment columns a scorer wrote into feedback_scores, joined on the feedback's natural key. */
  private async scoreColumns(): Promise<{ keys: string[]; extra: string[] } | null> {
    if (!(await this.store.has('feedback_scores'))) return null;
    const columns = (await this.store.all<{ column_name: string }>('DESCRIBE feedback_scores')).map((c) => c.column_name);
    const keys = ['customer_id', 'timestamp', 'text'].filter((k) => columns.includes(k));
    if (!keys.includes('customer_id') || keys.length < 2) return null;
    return { keys, extra: columns.filter((c) => !keys.includes(c) && !['rating', 'channel'].includes(c)) };
  }

  private async feedbackSource(): Promise<string> {
    const scores = await this.scoreColumns();
    if (!scores) return 'SELECT * FROM feedback';
    return `SELECT f.*${scores.extra.map((c) => `, s.${ident(c)}`).join('')} FROM feedback f LEFT JOIN feedback_scores s USING (${scores.keys.map(ident).join(', ')})`;
  }

  private async sentimentFields(): Promise<string> {
    const scores = await this.scoreColumns();
    return scores ? scores.extra.map((c) => `, ${ident(c)} := ${ident(c)}`).join('') : '';
  }

  /** The view's columns and their DuckDB types; empty before features are built. Does not wait for the rows. */
  columns(): Promise<Map<string, string>> {
    return this.memo('columns', async () => {
      const columns = new Map<string, string>();
      if (!(await this.store.has('customer_analytics'))) return columns;
      for (const c of await this.store.all<{ column_name: string; column_type: string }>('DESCRIBE customer_analytics')) columns.set(c.column_name, c.column_type);
      return columns;
    });
  }

  /** Starts building the snapshot now (server start), so the first lookup does not wait for it; resolves when built (a failure is left to the next lookup). */
  warm(): Promise<void> {
    return this.load().then(
      () => {},
      () => {},
    );
  }

  /** The analytics row of one customer as JSON text, or undefined. */
  async rowJson(customerId: string): Promise<string | undefined> {
    return (await this.load()).rows.get(customerId);
  }

  async row(customerId: string): Promise<Row | undefined> {
    const text = await this.rowJson(customerId);
    return text === undefined ? undefined : (JSON.parse(text) as Row);
  }

  /** The whole customer page as JSON text: features, tiers, cluster, churn, CLV, last orders, feedback. */
  async pageJson(customerId: string): Promise<string | undefined> {
    return (await this.load()).pages.get(customerId);
  }
}
