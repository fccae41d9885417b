import type { Store } from './store.ts';

/**
 * Per-customer tables, one per stage, each keyed by customer_id. The view `customer_analytics` joins the ones
 * that exist, so SQL cells, the API and the UI read one row per customer with every column.
 * Order matters only for column order in the view.
 */
export const ANALYTICS_TABLES = [
  'customer_rfm', // tiers: RFM scores and segment, ABC class, value tier, lifecycle stage (models/tiers)
  'customer_clusters', // k-means cluster, its name and value tier, 2-D projection (models/clusters)
  'customer_churn', // churn probability, risk band, value at risk, reasons (models/churn)
  'customer_clv', // probability alive, expected purchases, next order date, CLV (models/clv)
] as const;

/** Every customer's page as JSON, built from the view and the data (data/customer-pages.ts). */
export const CUSTOMER_PAGES = 'customer_pages';

/** Drops `customer_pages`: a table it is built from is changing (lookups read the sources until it is rebuilt). */
export async function dropCustomerPages(store: Store): Promise<void> {
  await store.run(`DROP TABLE IF EXISTS ${CUSTOMER_PAGES}`);
}

/**
 * Recreates `customer_analytics` over customer_features and whichever stage tables exist now. Every stage's
 * writer calls it, so it also drops `customer_pages`, built from the tables being replaced.
 */
export async function refreshAnalyticsView(store: Store): Promise<void> {
  await dropCustomerPages(store);
  const names = await store.all<{ name: string }>(`SELECT table_name AS name FROM duckdb_tables() WHERE schema_name = 'main'`);
  const existing = new Set(names.map((r) => r.name));
  if (!existing.has('customer_features')) return;
  const present = ANALYTICS_TABLES.filter((table) => existing.has(table));
  const joins = present.map((t) => `LEFT JOIN ${t} USING (customer_id)`).join('\n  ');
  await store.run(`CREATE OR REPLACE VIEW customer_analytics AS SELECT * FROM customer_features\n  ${joins}`);
}
