import { badInput, notFound } from '../data/errors.ts';
import { ident } from '../data/store.ts';
import type { DuckDBValue } from '@duckdb/node-api';
import type { AppDeps, RouteInput } from './context.ts';
import type { Schema, Values } from './validate.ts';

/** Filters shared by the customer list and the at-risk list: each is a column of `customer_analytics`. */
export const FILTERS: Schema = {
  rfm_segment: { type: 'string', maxLength: 100, description: 'RFM segment name, e.g. "Champions"' },
  value_tier: { type: 'string', maxLength: 100, description: 'value tier, e.g. "VIP"' },
  cluster: { type: 'string', maxLength: 100, description: 'cluster number or name' },
  lifecycle_stage: { type: 'string', maxLength: 100, description: 'lifecycle stage, e.g. "at risk"' },
  risk_band: { type: 'string', maxLength: 100, description: 'churn risk band' },
  min_risk: { type: 'number', min: 0, max: 1, description: 'churn probability at least' },
  max_risk: { type: 'number', min: 0, max: 1, description: 'churn probability at most' },
};

export const SORTABLE = [
  'customer_id', 'recency_days', 'frequency', 'monetary', 'avg_order_value', 'tenure_days', 'churn_probability', 'value_at_risk',
  'r_score', 'f_score', 'm_score', 'p_alive', 'clv_12m',
] as const;

export const LIST_QUERY: Schema = {
  ...FILTERS,
  sort: { type: 'string', enum: SORTABLE, description: 'column to sort by (default customer_id)' },
  order: { type: 'string', enum: ['asc', 'desc'], description: 'default asc' },
  limit: { type: 'integer', min: 1, max: 500, description: 'page size, default 50' },
  cursor: { type: 'string', maxLength: 1000, description: 'next_cursor of the previous page' },
};

/** WHERE clauses and parameters for the filters present in `query`; a filter on a column not built yet is a 400. */
export async function filterSql(deps: AppDeps, query: Values): Promise<{ where: string[]; params: Record<string, DuckDBValue> }> {
  const columns = await deps.customers.columns();
  const where: string[] = [];
  const params: Record<string, DuckDBValue> = {};
  const need = (field: string, column: string) => {
    if (!columns.has(column)) throw badInput(`cannot filter on ${field}: ${column} is not computed yet (train the models first)`, { field });
  };
  for (const field of ['rfm_segment', 'value_tier', 'lifecycle_stage', 'risk_band'] as const) {
    if (query[field] === undefined) continue;
    need(field, field);
    where.push(`${ident(field)} = $${field}`);
    params[field] = query[field];
  }
  if (query.cluster !== undefined) {
    need('cluster', 'cluster');
    // Clusters are filtered by number or by name, whichever the segmentation stores.
    const byName = columns.has('cluster_name') ? ' OR cluster_name = $cluster' : '';
    where.push(`(CAST(cluster AS VARCHAR) = $cluster${byName})`);
    params.cluster = query.cluster;
  }
  if (query.min_risk !== undefined) {
    need('min_risk', 'churn_probability');
    where.push('churn_probability >= $min_risk');
    params.min_risk = query.min_risk;
  }
  if (query.max_risk !== undefined) {
    need('max_risk', 'churn_probability');
    where.push('churn_probability <= $max_risk');
    params.max_risk = query.max_risk;
  }
  return { where, params };
}

export async function requireAnalytics(deps: AppDeps): Promise<Map<string, string>> {
  const columns = await deps.customers.columns();
  if (!columns.size) throw notFound('no customer features yet: upload data (POST /api/datasets/transactions) first');
  return columns;
}

interface Cursor {
  key: string | null;
  id: string;
}

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify([cursor.key, cursor.id])).toString('base64url');

function decodeCursor(text: string): Cursor {
  try {
    const [key, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as [unknown, unknown];
    if ((typeof key === 'string' || key === null) && typeof id === 'string') return { key, id };
  } catch {
    // fall through to the 400 below
  }
  throw badInput('cursor is not one this server gave out', { field: 'cursor' });
}

/** GET /api/customers: a filtered page, keyset-paginated on (sort value, customer_id). */
export async function listCustomers({ deps, query }: RouteInput) {
  const columns = await requireAnalytics(deps);
  const sort: string = query.sort ?? 'customer_id';
  if (!columns.has(sort)) throw badInput(`cannot sort by ${sort}: it is not computed yet`, { field: 'sort' });
  const desc = query.order === 'desc';
  const limit: number = query.limit ?? 50;
  const { where, params } = await filterSql(deps, query);
  // Numeric sorts put missing values last in either direction, through an infinite stand-in,
  // so the keyset comparison never meets a NULL.
  const key = sort === 'customer_id' ? 'customer_id' : `coalesce(CAST(${ident(sort)} AS DOUBLE), '${desc ? '-' : ''}Infinity'::DOUBLE)`;
  if (query.cursor !== undefined) {
    const cursor = decodeCursor(query.cursor);
    const keyParam = sort === 'customer_id' ? '$cursor_id' : 'CAST($cursor_key AS DOUBLE)';
    where.push(`(${key}, customer_id) ${desc ? '<' : '>'} (${keyParam}, $cursor_id)`);
    if (sort !== 'customer_id') params.cursor_key = cursor.key;
    params.cursor_id = cursor.id;
  }
  const dir = desc ? 'DESC' : 'ASC';
  const rows = await deps.store.all<Record<string, unknown>>(
    `SELECT *, CAST(${key} AS VARCHAR) AS _key FROM customer_analytics ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY ${key} ${dir}, customer_id ${dir} LIMIT ${limit + 1}`,
    params,
  );
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const items = page.map(({ _key, ...row }) => row);
  return { items, next_cursor: more && last ? encodeCursor({ key: sort === 'customer_id' ? null : String(last._key), id: String(last.customer_id) }) : null };
}

/** Columns of the analytics row, grouped by the stage that wrote them, for the customer page. */
async function stageColumns(deps: AppDeps): Promise<Record<'tiers' | 'cluster' | 'churn' | 'clv', Set<string>>> {
  const out = { tiers: new Set<string>(), cluster: new Set<string>(), churn: new Set<string>(), clv: new Set<string>() };
  const tables = { tiers: 'customer_rfm', cluster: 'customer_clusters', churn: 'customer_churn', clv: 'customer_clv' } as const;
  for (const [stage, table] of Object.entries(tables) as [keyof typeof tables, string][]) {
    if (!(await deps.store.has(table))) continue;
    for (const c of await deps.store.all<{ column_name: string }>(`DESCRIBE ${table}`)) if (c.column_name !== 'customer_id') out[stage].add(c.column_name);
  }
  return out;
}

/** GET /api/customers/:id: everything known about one customer. */
export async function getCustomer({ deps, params }: RouteInput) {
  const id = params.id;
  const row = await deps.customers.row(id);
  if (!row) throw notFound(`customer ${id} does not exist`, { field: 'id' });
  const detail = await deps.customers.detail(id);
  const stages = await deps.customers.memo('stage-columns', () => stageColumns(deps));
  const pick = (names: Set<string>) => (names.size ? Object.fromEntries([...names].map((n) => [n, row[n] ?? null])) : null);
  const staged = new Set([...stages.tiers, ...stages.cluster, ...stages.churn, ...stages.clv]);
  const features = Object.fromEntries(Object.entries(row).filter(([k]) => k !== 'customer_id' && !staged.has(k)));
  const churn = pick(stages.churn);
  return {
    customer_id: id,
    customer: detail.customer,
    features,
    tiers: pick(stages.tiers),
    cluster: pick(stages.cluster),
    churn,
    clv: pick(stages.clv),
    orders: detail.orders,
    feedback: detail.feedback,
  };
}
