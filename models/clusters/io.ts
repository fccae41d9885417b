import { refreshAnalyticsView } from '../../data/analytics.ts';
import { badInput, notFound } from '../../data/errors.ts';
import { ident, type Store } from '../../data/store.ts';
import { NO_PURCHASES, UNCLUSTERED } from './buyers.ts';
import { describeSegments, PROFILE_COLUMNS, type SegmentProfiles } from './profiles.ts';
import type { SegmentationResult } from './segment.ts';
import type { CustomerTable } from './table.ts';

/** DuckDB's numeric column types: only these can be clustered on. */
const NUMERIC_TYPE = /^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|FLOAT|DOUBLE|REAL|DECIMAL.*)$/;

/**
 * Reads `customer_features` (plus `rfm_segment` from `customer_rfm` when it exists) as a customer table with
 * the chosen features and the profile columns, ordered by customer_id so runs are repeatable.
 *
 * @example
 * const table = await loadCustomerTable(store, ['recency_days', 'frequency', 'monetary']);
 */
export async function loadCustomerTable(store: Store, features: string[]): Promise<CustomerTable> {
  return (await readTable(store, features, false)).table;
}

async function readTable(store: Store, features: string[], clustered: boolean): Promise<{ table: CustomerTable; clusters: (number | null)[] }> {
  if (!(await store.has('customer_features'))) throw notFound('no customer_features table: build the features first (tierlab ingest / features)');
  const described = await store.all<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM duckdb_columns() WHERE table_name = 'customer_features'`,
  );
  const available = new Set(described.filter((c) => NUMERIC_TYPE.test(c.type)).map((c) => c.name));
  for (const f of features) {
    if (!available.has(f)) throw badInput(`unknown or non-numeric feature "${f}"; numeric columns of customer_features: ${[...available].join(', ')}`, { field: 'features' });
  }
  const columns = [...new Set([...features, ...PROFILE_COLUMNS.filter((c) => available.has(c))])];
  const hasRfm = await store.has('customer_rfm');
  const select = columns.map((c) => `CAST(f.${ident(c)} AS DOUBLE) AS ${ident(c)}`).join(', ');
  // Read by column: a million row objects cost seconds and are thrown away at once.
  const reader = await store.connection.runAndReadAll(
    `SELECT CAST(f.customer_id AS VARCHAR) AS customer_id, ${select}${hasRfm ? ', r.rfm_segment' : ''}${clustered ? ', c.cluster' : ''}
     FROM customer_features f ${hasRfm ? 'LEFT JOIN customer_rfm r USING (customer_id)' : ''}
     ${clustered ? 'JOIN customer_clusters c USING (customer_id)' : ''}
     ORDER BY f.customer_id`,
  );
  const read = reader.getColumnsObjectJS();
  return {
    table: {
      customerIds: read.customer_id as string[],
      columns: Object.fromEntries(columns.map((c) => [c, Float64Array.from(read[c], (v) => (v === null ? NaN : Number(v)))])),
      ...(hasRfm && { rfmSegments: read.rfm_segment as (string | null)[] }),
    },
    clusters: clustered ? (read.cluster as (number | null)[]) : [],
  };
}

/**
 * The description of the stored segmentation (`customer_clusters`) on today's features, by the same function
 * that profiled it when it was trained, with the trained names and tiers. Customers added since are not in it.
 *
 * @example
 * const profiles = await describeStoredSegments(store, { features, names, tiers });
 */
export async function describeStoredSegments(store: Store, options: { features: string[]; names: string[]; tiers: string[] }): Promise<SegmentProfiles> {
  if (!(await store.has('customer_clusters'))) throw notFound('no segmentation trained yet');
  const { table, clusters } = await readTable(store, options.features, true);
  const labels = Int32Array.from(clusters, (c) => (c === null ? UNCLUSTERED : c));
  let k = options.names.length;
  for (const l of labels) k = Math.max(k, l + 1);
  const described = describeSegments({ table, labels, k, features: options.features });
  return {
    ...described,
    clusters: described.clusters.map((p) => ({ ...p, name: options.names[p.cluster] ?? `Cluster ${p.cluster}`, tier: options.tiers[p.cluster] ?? '' })),
  };
}

/**
 * Replaces `customer_clusters(customer_id, cluster, cluster_name, cluster_tier, pc1, pc2)` in one transaction
 * (readers see the old table or the new one, never half), then refreshes `customer_analytics`. The fixed group
 * has no cluster number and no projection (NULL), and NO_PURCHASES' name and tier.
 * Rows go in through DuckDB's appender: SQL VALUES lists took 30 s per million customers.
 *
 * @example
 * await saveClusters(store, segmentCustomers(table));
 */
export async function saveClusters(store: Store, result: SegmentationResult): Promise<void> {
  const { customerIds, labels, projection, model } = result;
  await store.transaction(async () => {
    await store.run(`CREATE OR REPLACE TABLE customer_clusters (
      customer_id VARCHAR PRIMARY KEY, cluster INTEGER, cluster_name VARCHAR, cluster_tier VARCHAR, pc1 DOUBLE, pc2 DOUBLE)`);
    const appender = await store.connection.createAppender('customer_clusters');
    try {
      for (let i = 0; i < customerIds.length; i++) {
        const c = labels[i];
        appender.appendVarchar(customerIds[i]);
        if (c === UNCLUSTERED) {
          appender.appendNull();
          appender.appendVarchar(NO_PURCHASES.name);
          appender.appendVarchar(NO_PURCHASES.tier);
          appender.appendNull();
          appender.appendNull();
        } else {
          appender.appendInteger(c);
          appender.appendVarchar(model.names[c]);
          appender.appendVarchar(model.tiers[c]);
          appender.appendDouble(projection[i * 2]);
          appender.appendDouble(projection[i * 2 + 1]);
        }
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  });
  await refreshAnalyticsView(store);
}
