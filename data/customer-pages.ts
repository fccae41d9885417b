import { ANALYTICS_TABLES, CUSTOMER_PAGES, dropCustomerPages } from './analytics.ts';
import { writePageFiles, type PagePart } from './page-files.ts';
import { ident, literal, type Store } from './store.ts';

/**
 * Every customer's page: everything the customer page shows as JSON text ready to send (features, tiers,
 * cluster, churn and CLV grouped by the stage that wrote them, the customer record, the last 20 orders and
 * feedback), in page files beside the database (data/page-files.ts: a lookup reads one from a file), and table
 * `customer_pages` with the list's filter and sort columns (LIST_TEXT_COLUMNS, LIST_NUMBER_COLUMNS), which the
 * server reads once into memory, and the file of each customer's page.
 *
 * It is derived data, and matches the tables it is built from or is absent: the retrain writes it as its last
 * step (a version keeps it with its outputs), the rebuild of features and tiers after a load rebuilds it in the
 * same transaction, and refreshing `customer_analytics` (what every stage's writer does) drops it. Where it is
 * absent, `livePageQuery` gives the same JSON from the source tables, one customer at a time.
 */
export { CUSTOMER_PAGES };

/** Columns the list filters on by equality, and the numeric ones it sorts or ranges on. */
export const LIST_TEXT_COLUMNS = ['rfm_segment', 'value_tier', 'lifecycle_stage', 'risk_band', 'cluster', 'cluster_name'];
export const LIST_NUMBER_COLUMNS = [
  'recency_days', 'frequency', 'monetary', 'avg_order_value', 'tenure_days', 'churn_probability', 'value_at_risk',
  'r_score', 'f_score', 'm_score', 'p_alive', 'clv_12m',
];

/** The rows of `customer_pages` of the customers `only` selects: the id and the list's columns the view has. */
function listRows(columns: Map<string, string>, only: Customers): string {
  const list = [
    ...LIST_TEXT_COLUMNS.filter((c) => columns.has(c)).map((c) => `CAST(${ident(c)} AS VARCHAR) AS ${ident(c)}`),
    ...LIST_NUMBER_COLUMNS.filter((c) => columns.has(c)).map((c) => `CAST(${ident(c)} AS DOUBLE) AS ${ident(c)}`),
  ];
  return `SELECT customer_id${list.map((c) => `, ${c}`).join('')} FROM customer_analytics ${only('customer_id')}`;
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

/** The page's group for the columns of each stage table (the rest are features). */
const STAGES: Record<(typeof ANALYTICS_TABLES)[number], string> = { customer_rfm: 'tiers', customer_clusters: 'cluster', customer_churn: 'churn', customer_clv: 'clv' };

/** The page's groups of analytics columns, in the view's column order: the row of a customer is them flattened. */
export const PAGE_GROUPS = ['features', ...Object.values(STAGES)];

/**
 * The first 20 of a group's `value`s ordered by `keys` (SQL expressions, ascending), as a list aggregate. The
 * list is sorted after it is gathered: DuckDB's ordered aggregate (`list(v ORDER BY k)`) took twice as long at
 * 100,000 customers, where the orders are most of the build.
 */
const firstTwenty = (keys: string, value: string) =>
  `list_transform(list_sort(list(struct_pack(${keys.split(', ').map((k, i) => `k${i} := ${k}`).join(', ')}, v := ${value})))[1:20], x -> x.v)`;

const iso = (expr: string) => `strftime(${expr} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ')`;

/** The view's columns and their DuckDB types; empty before features are built. */
export async function analyticsColumns(store: Store): Promise<Map<string, string>> {
  const columns = new Map<string, string>();
  if (!(await store.has('customer_analytics'))) return columns;
  for (const c of await store.all<{ column_name: string; column_type: string }>('DESCRIBE customer_analytics')) columns.set(c.column_name, c.column_type);
  return columns;
}

/** `features := {...}, tiers := {...} | NULL, ...`: the analytics columns grouped by the stage that wrote them. */
async function stageFields(store: Store, columns: Map<string, string>): Promise<string> {
  const owner = new Map<string, string>();
  for (const table of ANALYTICS_TABLES) {
    if (!(await store.has(table))) continue;
    for (const c of await store.all<{ column_name: string }>(`DESCRIBE ${table}`)) if (c.column_name !== 'customer_id') owner.set(c.column_name, STAGES[table]);
  }
  const group = (stage: string) => {
    const names = [...columns.keys()].filter((n) => n !== 'customer_id' && (owner.get(n) ?? 'features') === stage);
    return names.length ? `struct_pack(${names.map((n) => `${ident(n)} := ${jsonExpr(n, columns.get(n)!, 'a.')}`).join(', ')})` : 'NULL';
  };
  return PAGE_GROUPS.map((stage) => `${stage} := ${group(stage)}`).join(',\n        ');
}

/** Feedback rows with the sentiment columns a scorer wrote into feedback_scores (joined on the feedback's natural key), and those columns. */
async function feedbackSource(store: Store): Promise<{ sql: string; extra: string[] }> {
  if (!(await store.has('feedback_scores'))) return { sql: 'SELECT * FROM feedback', extra: [] };
  const columns = (await store.all<{ column_name: string }>('DESCRIBE feedback_scores')).map((c) => c.column_name);
  const keys = ['customer_id', 'timestamp', 'text'].filter((k) => columns.includes(k));
  if (!keys.includes('customer_id') || keys.length < 2) return { sql: 'SELECT * FROM feedback', extra: [] };
  const extra = columns.filter((c) => !keys.includes(c) && !['rating', 'channel'].includes(c));
  return { sql: `SELECT f.*${extra.map((c) => `, s.${ident(c)}`).join('')} FROM feedback f LEFT JOIN feedback_scores s USING (${keys.map(ident).join(', ')})`, extra };
}

/** Which customers a page query gives, as a WHERE clause on a customer id column (`column`, qualified). */
type Customers = (column: string) => string;

/** The customer bound to $1. */
const boundCustomer: Customers = (column) => `WHERE ${column} = $1`;

/** Customers with ids from `from` (inclusive) up to `to` (exclusive); an absent bound is open. */
const idRange = (from: string | undefined, to: string | undefined): Customers => (column) => {
  const bounds = [...(from === undefined ? [] : [`${column} >= ${literal(from)}`]), ...(to === undefined ? [] : [`${column} < ${literal(to)}`])];
  return bounds.length ? `WHERE ${bounds.join(' AND ')}` : '';
};

/** The page rows of the customers `only` selects; null before features are built. */
async function pagesQuery(store: Store, only: Customers): Promise<string | null> {
  const columns = await analyticsColumns(store);
  if (!columns.size) return null;
  const feedback = await feedbackSource(store);
  return `
    WITH orders AS (
      SELECT customer_id, order_id, min(timestamp) AS ts, CAST(sum(amount) AS DOUBLE) AS amount, count(*) AS lines, sum(quantity) AS items,
        CASE WHEN count(product) > 0 THEN list_sort(list_distinct(list(product))) END AS products
      FROM transactions ${only('customer_id')} GROUP BY customer_id, order_id
    ),
    recent_orders AS (
      SELECT customer_id, ${firstTwenty('-epoch_us(ts), order_id', `struct_pack(order_id := order_id, "timestamp" := ${iso('ts')}, amount := amount, lines := lines, items := items, products := products)`)} AS orders
      FROM orders GROUP BY customer_id
    ),
    recent_feedback AS (
      SELECT customer_id, ${firstTwenty('-epoch_us("timestamp")', `struct_pack("timestamp" := ${iso('"timestamp"')}, "text" := "text", rating := rating, channel := channel${feedback.extra.map((c) => `, ${ident(c)} := ${ident(c)}`).join('')})`)} AS feedback
      FROM (${feedback.sql}) ${only('customer_id')} GROUP BY customer_id
    )
    SELECT a.customer_id,
      CAST(to_json(struct_pack(
        customer_id := a.customer_id,
        customer := CASE WHEN c.customer_id IS NOT NULL THEN struct_pack(signup_date := strftime(c.signup_date, '%Y-%m-%dT00:00:00.000Z'), churned := c.churned) END,
        ${await stageFields(store, columns)},
        orders := coalesce(o.orders, []), feedback := coalesce(f.feedback, []))) AS VARCHAR) AS page_json
    FROM customer_analytics a LEFT JOIN customers c ON c.customer_id = a.customer_id
      LEFT JOIN recent_orders o ON o.customer_id = a.customer_id LEFT JOIN recent_feedback f ON f.customer_id = a.customer_id
    ${only('a.customer_id')}`;
}

/**
 * Customers a page statement builds at most: the lists of orders and feedback per customer are gathered in memory
 * (DuckDB does not spill them), so one statement over a million customers peaked at 6 GB of RSS; ranges of this
 * many bound it.
 */
export const PAGE_RANGE_CUSTOMERS = 200_000;

/** Ids cutting the customers of `customer_analytics` into ranges of at most `size` (none for one range). */
async function rangeBounds(store: Store, size: number): Promise<string[]> {
  const n = (await store.one<{ n: number }>('SELECT count(*) AS n FROM customer_analytics'))!.n;
  const ranges = Math.ceil(n / size);
  if (ranges <= 1) return [];
  const cuts = Array.from({ length: ranges - 1 }, (_, k) => (k + 1) / ranges);
  const row = await store.one<{ bounds: string[] }>(`SELECT quantile_disc(customer_id, [${cuts.join(', ')}]) AS bounds FROM customer_analytics`);
  return [...new Set(row!.bounds)];
}

/**
 * Writes the customer pages from the tables as they are now, in customer-id ranges of at most `rangeCustomers`
 * (one statement and one page file each), and table `customer_pages`, in one transaction: readers see the old
 * table or the new one. Without features it only drops a stale one. Returns the customers written.
 *
 * @example
 * await buildCustomerPages(store, { onProgress: (percent) => console.error(`pages ${percent}%`) });
 */
export async function buildCustomerPages(store: Store, options: { onProgress?: (percent: number) => void; rangeCustomers?: number } = {}): Promise<{ customers: number }> {
  return store.transaction(async () => {
    const columns = await analyticsColumns(store);
    if (!columns.size) {
      await dropCustomerPages(store);
      return { customers: 0 };
    }
    const bounds = await rangeBounds(store, options.rangeCustomers ?? PAGE_RANGE_CUSTOMERS);
    const edges = [undefined, ...bounds, undefined];
    const parts: PagePart[] = [];
    for (let r = 0; r < edges.length - 1; r++) {
      const only = idRange(edges[r], edges[r + 1]);
      parts.push({ pages: (await pagesQuery(store, only))!, rows: listRows(columns, only) });
    }
    await writePageFiles(store, parts, (r, percent) => options.onProgress?.(Math.floor((100 * r + percent) / parts.length)));
    return { customers: (await store.one<{ n: number }>(`SELECT count(*) AS n FROM ${CUSTOMER_PAGES}`))!.n };
  });
}

/**
 * The query giving one customer's page (customer id bound to $1) from the source tables: the table's query for
 * one customer, for stores without the table. Null before features are built.
 */
export async function livePageQuery(store: Store): Promise<string | null> {
  const sql = await pagesQuery(store, boundCustomer);
  return sql && `SELECT page_json FROM (${sql})`;
}
