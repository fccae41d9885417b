import { stream } from 'hono/streaming';
import type { DuckDBValue } from '@duckdb/node-api';
import { csvCell } from '../data/csv-cell.ts';
import { notFound } from '../data/errors.ts';
import type { AppDeps, RouteInput } from './context.ts';
import { FILTERS, filterSql, parseFilters } from './customers.ts';
import type { Schema, Values } from './validate.ts';

export const AT_RISK_QUERY: Schema = {
  ...FILTERS,
  limit: { type: 'integer', min: 1, max: 100000, description: 'how many customers (default 100; the CSV export allows up to 100,000)' },
  format: { type: 'string', enum: ['json', 'csv'], description: 'csv streams a download' },
};

const CSV_COLUMNS = ['customer_id', 'churn_probability', 'risk_band', 'value_at_risk', 'rfm_segment', 'cluster', 'top_reasons'] as const;

/** The ranked at-risk query: customer_analytics by value at risk, with whatever segment columns exist. */
async function atRiskSql(deps: AppDeps, query: Values): Promise<{ sql: string; params: Record<string, DuckDBValue> }> {
  const columns = await deps.customers.columns();
  if (!columns.has('churn_probability')) throw notFound('no churn scores yet: start a training job (POST /api/jobs/train)');
  const { where, params } = filterSql(await parseFilters(deps, query));
  const cluster = columns.has('cluster_name') ? 'CAST(cluster_name AS VARCHAR)' : columns.has('cluster') ? 'CAST(cluster AS VARCHAR)' : 'NULL';
  const segment = columns.has('rfm_segment') ? 'rfm_segment' : 'NULL';
  const reasons = columns.has('reasons') ? 'reasons' : 'NULL';
  params.limit = query.limit ?? 100;
  return {
    sql: `SELECT customer_id, churn_probability, risk_band, value_at_risk, ${segment} AS rfm_segment, ${cluster} AS cluster, ${reasons} AS top_reasons
      FROM customer_analytics ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY value_at_risk DESC NULLS LAST, churn_probability DESC, customer_id LIMIT $limit`,
    params,
  };
}

/** Reasons are stored as a JSON list of sentences (the cache has parsed them already); the API hands out the list. */
function reasonList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : [value];
  } catch {
    return [value];
  }
}

/** GET /api/churn/at-risk: JSON, or a streamed CSV download (rows leave as DuckDB produces them). */
export async function atRisk({ c, deps, query }: RouteInput) {
  const { sql, params } = await atRiskSql(deps, query);
  if (query.format !== 'csv') {
    // The JSON list is a hot path: the in-memory order by value at risk, no query.
    const columns = await deps.customers.columns();
    const page = (await deps.customers.list()).page({ filter: await parseFilters(deps, query), sort: 'value_at_risk', desc: true, limit: query.limit ?? 100 });
    const rows = await Promise.all(page.ids.map((id) => deps.customers.row(id)));
    const cluster = columns.has('cluster_name') ? 'cluster_name' : 'cluster';
    return {
      items: rows.map((r) => ({
        customer_id: r!.customer_id,
        churn_probability: r!.churn_probability,
        risk_band: r!.risk_band,
        value_at_risk: r!.value_at_risk,
        rfm_segment: r!.rfm_segment ?? null,
        cluster: r![cluster] === undefined || r![cluster] === null ? null : String(r![cluster]),
        top_reasons: reasonList(r!.reasons),
      })),
    };
  }
  // A streaming result lives on its connection until read out; another query there would end it early.
  const connection = await deps.store.instance.connect();
  const result = await connection.stream(sql, params).catch((error) => {
    connection.closeSync();
    throw error;
  });
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', 'attachment; filename="at-risk.csv"');
  return stream(c, async (out) => {
    try {
      await out.write(`${CSV_COLUMNS.join(',')}\n`);
      for await (const rows of result.yieldRowObjectJs()) {
        if (out.aborted) break;
        const lines = rows.map((r) => CSV_COLUMNS.map((k) => csvCell(k === 'top_reasons' ? reasonList(r[k]).join('; ') : r[k])).join(','));
        if (lines.length) await out.write(`${lines.join('\n')}\n`);
      }
    } finally {
      connection.closeSync();
    }
  });
}
