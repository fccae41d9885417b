/**
 * The ranked at-risk list: `customer_churn` by value at risk (then probability), with the customer's RFM segment,
 * value tier and cluster from `customer_analytics` when those columns exist.
 */
import { notFound } from '../../data/errors.ts';
import { ident, type Store } from '../../data/store.ts';

export interface AtRiskOptions {
  limit?: number;
  /** Only customers with churn probability >= minRisk. */
  minRisk?: number;
  /** Only this value tier (customer_rfm.value_tier). */
  tier?: string;
  /** Only this cluster (id or name). */
  cluster?: string;
}

export const AT_RISK_DEFAULTS = { limit: 50, minRisk: 0 } as const;

export interface AtRiskRow {
  customer_id: string;
  churn_probability: number;
  risk_band: string;
  value_at_risk: number | null;
  expected_value: number | null;
  /** 'clv_12m' or 'trailing_12m_spend'; null for versions scored before it was recorded. */
  expected_value_source: string | null;
  rfm_segment: string | null;
  value_tier: string | null;
  cluster: string | null;
  reasons: string[];
}

const SEGMENT_COLUMNS = ['rfm_segment', 'value_tier'];
/** Whichever cluster label the clusters stage wrote, most readable first. */
const CLUSTER_COLUMNS = ['cluster_name', 'cluster', 'cluster_id'];

async function columnsOf(store: Store, table: string): Promise<Set<string>> {
  const rows = await store.all<{ column_name: string }>('SELECT column_name FROM duckdb_columns() WHERE table_name = $1', [table]);
  return new Set(rows.map((r) => r.column_name));
}

/**
 * @example
 * const rows = await atRiskList(store, { limit: 20, minRisk: 0.5, tier: 'gold' });
 */
export async function atRiskList(store: Store, options: AtRiskOptions = {}): Promise<AtRiskRow[]> {
  const { limit, minRisk, tier, cluster } = { ...AT_RISK_DEFAULTS, ...options };
  if (!(await store.has('customer_churn'))) throw notFound('no churn scores yet: run `tierlab churn train` first');
  const analytics = (await store.has('customer_analytics')) ? await columnsOf(store, 'customer_analytics') : new Set<string>();
  const pick = (name: string) => (analytics.has(name) ? `CAST(a.${ident(name)} AS VARCHAR)` : 'NULL');
  const clusterColumn = CLUSTER_COLUMNS.filter((c) => analytics.has(c));
  const clusterSql = clusterColumn.length ? `CAST(coalesce(${clusterColumn.map((c) => `CAST(a.${ident(c)} AS VARCHAR)`).join(', ')}) AS VARCHAR)` : 'NULL';
  const where = ['c.churn_probability >= $minRisk'];
  const params: Record<string, string | number> = { minRisk, limit };
  if (tier !== undefined) {
    if (!analytics.has('value_tier')) throw notFound('no value tiers yet: run `tierlab rfm` first', { field: 'tier' });
    where.push('CAST(a.value_tier AS VARCHAR) = $tier');
    params.tier = tier;
  }
  if (cluster !== undefined) {
    if (!clusterColumn.length) throw notFound('no clusters yet: run the clusters stage first', { field: 'cluster' });
    where.push(`(${clusterColumn.map((c) => `CAST(a.${ident(c)} AS VARCHAR) = $cluster`).join(' OR ')})`);
    params.cluster = cluster;
  }
  const churnColumns = await columnsOf(store, 'customer_churn');
  const source = churnColumns.has('expected_value_source') ? 'c.expected_value_source' : 'NULL';
  const join = analytics.size ? 'LEFT JOIN customer_analytics a USING (customer_id)' : '';
  const rows = await store.all<Omit<AtRiskRow, 'reasons'> & { reasons: string }>(
    `SELECT c.customer_id, c.churn_probability, c.risk_band, c.value_at_risk, c.expected_value, ${source} AS expected_value_source,
       ${SEGMENT_COLUMNS.map((s) => `${pick(s)} AS ${s}`).join(', ')}, ${clusterSql} AS cluster, c.reasons
     FROM customer_churn c ${join}
     WHERE ${where.join(' AND ')}
     ORDER BY c.value_at_risk DESC NULLS LAST, c.churn_probability DESC, c.customer_id
     LIMIT $limit`,
    params,
  );
  return rows.map((r) => ({ ...r, reasons: JSON.parse(r.reasons) as string[] }));
}
