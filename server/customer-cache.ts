import { ident, type Row, type Store } from '../data/store.ts';

/**
 * One row per customer of the view `customer_analytics`, held in memory and keyed by customer_id, plus the
 * view's columns. The lookup route is the hottest path of the API: a Map read beats a join of five tables
 * per request. Rebuilt lazily after anything that changes the stage tables (ingest, training, activation).
 *
 * @example
 * const cache = new CustomerCache(store);
 * (await cache.row('C00042'))?.rfm_segment;
 * cache.invalidate(); // after an upload
 */
export class CustomerCache {
  private readonly store: Store;
  private loading: Promise<{ rows: Map<string, Row>; columns: Map<string, string> }> | undefined;
  private readonly derived = new Map<string, Promise<unknown>>();

  constructor(store: Store) {
    this.store = store;
  }

  invalidate(): void {
    this.loading = undefined;
    this.derived.clear();
  }

  /** A value derived from the stage tables (e.g. their columns), computed once per invalidation. */
  memo<T>(name: string, compute: () => Promise<T>): Promise<T> {
    if (!this.derived.has(name)) this.derived.set(name, compute());
    return this.derived.get(name) as Promise<T>;
  }

  /** SQL for one customer's feedback, joined to its sentiment scores when a scorer has written them. */
  private feedbackSql(): Promise<string> {
    return this.memo('feedback-sql', async () => {
      const plain = 'SELECT f.timestamp, f.text, f.rating, f.channel FROM feedback f WHERE f.customer_id = $1 ORDER BY f.timestamp DESC LIMIT 20';
      if (!(await this.store.has('feedback_scores'))) return plain;
      const columns = (await this.store.all<{ column_name: string }>('DESCRIBE feedback_scores')).map((c) => c.column_name);
      const keys = ['customer_id', 'timestamp', 'text'].filter((k) => columns.includes(k));
      if (!keys.includes('customer_id') || keys.length < 2) return plain;
      const extra = columns.filter((c) => !keys.includes(c) && !['rating', 'channel'].includes(c));
      return `SELECT f.timestamp, f.text, f.rating, f.channel${extra.map((c) => `, s.${ident(c)}`).join('')}
        FROM feedback f LEFT JOIN feedback_scores s USING (${keys.map(ident).join(', ')})
        WHERE f.customer_id = $1 ORDER BY f.timestamp DESC LIMIT 20`;
    });
  }

  private load() {
    this.loading ??= (async () => {
      const rows = new Map<string, Row>();
      const columns = new Map<string, string>();
      if (!(await this.store.has('customer_analytics'))) return { rows, columns };
      for (const c of await this.store.all<{ column_name: string; column_type: string }>('DESCRIBE customer_analytics')) columns.set(c.column_name, c.column_type);
      for (const row of await this.store.all('SELECT * FROM customer_analytics')) rows.set(String(row.customer_id), row);
      return { rows, columns };
    })();
    // A failed load (e.g. a stage table replaced mid-read) must not stick.
    this.loading.catch(() => (this.loading = undefined));
    return this.loading;
  }

  /** The view's columns and their DuckDB types; empty before features are built. */
  async columns(): Promise<Map<string, string>> {
    return (await this.load()).columns;
  }

  async row(customerId: string): Promise<Row | undefined> {
    return (await this.load()).rows.get(customerId);
  }

  /** The customer record, the last 20 orders and the feedback (with sentiment when scored). */
  async detail(customerId: string): Promise<{ customer: Row | null; orders: Row[]; feedback: Row[] }> {
    const feedbackSql = await this.feedbackSql();
    const [customer, orders, feedback] = await Promise.all([
      this.store.one('SELECT signup_date, churned FROM customers WHERE customer_id = $1', [customerId]),
      this.store.all(
        `SELECT order_id, min(timestamp) AS timestamp, CAST(sum(amount) AS DOUBLE) AS amount, count(*) AS lines,
           sum(quantity) AS items, list(DISTINCT product ORDER BY product) FILTER (WHERE product IS NOT NULL) AS products
         FROM transactions WHERE customer_id = $1 GROUP BY order_id ORDER BY min(timestamp) DESC, order_id LIMIT 20`,
        [customerId],
      ),
      this.store.all(feedbackSql, [customerId]),
    ]);
    return { customer: customer ?? null, orders, feedback };
  }

  async count(): Promise<number> {
    return (await this.load()).rows.size;
  }
}
