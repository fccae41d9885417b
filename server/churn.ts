import { stream } from 'hono/streaming';
import type { DuckDBValue } from '@duckdb/node-api';
import { notFound } from '../data/errors.ts';
import { ident } from '../data/store.ts';
import { AT_RISK_CSV_COLUMNS, atRiskCsvLine } from '../models/churn/at-risk-csv.ts';
import type { AppDeps, RouteInput } from './context.ts';
import { FILTERS, filterSql, parseFilters } from './customers.ts';
import { nextActionOf } from './next-action.ts';
import type { Schema, Values } from './validate.ts';

export const AT_RISK_QUERY: Schema = {
  ...FILTERS,
  limit: { type: 'integer', min: 1, max: 100000, description: 'how many customers (JSON: default 100; CSV: default every customer that passes the filters)' },
  format: { type: 'string', enum: ['json', 'csv'], description: 'csv streams a download of the whole filtered list, its row count in X-Total-Count' },
};

/** The ranked at-risk query: customer_analytics by value at risk, with whatever segment columns exist. */
async function atRiskSql(deps: AppDeps, query: Values): Promise<{ sql: string; count: string; params: Record<string, DuckDBValue> }> {
  const columns = await deps.customers.columns();
  if (!columns.has('churn_probability')) throw notFound('no churn scores yet: start a training job (POST /api/jobs/train)');
  const { where, params } = filterSql(await parseFilters(deps, query));
  const has = (name: string) => (columns.has(name) ? ident(name) : 'NULL');
  const cluster = columns.has('cluster_name') ? 'CAST(cluster_name AS VARCHAR)' : columns.has('cluster') ? 'CAST(cluster AS VARCHAR)' : 'NULL';
  const filtered = `FROM customer_analytics ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  const limit = query.limit === undefined ? '' : `LIMIT ${Number(query.limit)}`;
  return {
    sql: `SELECT customer_id, churn_probability, risk_band, value_at_risk, ${has('expected_value_source')} AS expected_value_source,
        ${has('rfm_segment')} AS rfm_segment, ${has('value_tier')} AS value_tier, ${has('lifecycle_stage')} AS lifecycle_stage, ${cluster} AS cluster, ${has('reasons')} AS reasons
      ${filtered}
      ORDER BY value_at_risk DESC NULLS LAST, churn_probability DESC, customer_id ${limit}`,
    count: `SELECT least(count(*), ${query.limit === undefined ? 'count(*)' : Number(query.limit)}) AS n ${filtered}`,
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

/**
 * GET /api/churn/at-risk: JSON (a page, with the filtered total), or a streamed CSV download of every filtered
 * row (rows leave as DuckDB produces them; the count goes ahead in X-Total-Count). Both carry the next best action.
 */
export async function atRisk({ c, deps, query }: RouteInput) {
  const { sql, count, params } = await atRiskSql(deps, query);
  const nba = nextActionOf(deps.home);
  if (query.format !== 'csv') {
    // The JSON list is a hot path: the in-memory order by value at risk, no query.
    const columns = await deps.customers.columns();
    const list = await deps.customers.list();
    const filter = await parseFilters(deps, query);
    const page = list.page({ filter, sort: 'value_at_risk', desc: true, limit: query.limit ?? 100 });
    const rows = await Promise.all(page.ids.map((id) => deps.customers.row(id)));
    const cluster = columns.has('cluster_name') ? 'cluster_name' : 'cluster';
    return {
      total: list.count(filter),
      items: rows.map((r) => ({
        customer_id: r!.customer_id,
        churn_probability: r!.churn_probability,
        risk_band: r!.risk_band,
        value_at_risk: r!.value_at_risk,
        expected_value_source: r!.expected_value_source ?? null,
        rfm_segment: r!.rfm_segment ?? null,
        value_tier: r!.value_tier ?? null,
        cluster: r![cluster] === undefined || r![cluster] === null ? null : String(r![cluster]),
        top_reasons: reasonList(r!.reasons),
        next_best_action: nba(r!),
      })),
    };
  }
  const total = (await deps.store.one<{ n: number }>(count, params))?.n ?? 0;
  // A streaming result lives on its connection until read out; another query there would end it early.
  const connection = await deps.store.instance.connect();
  const result = await connection.stream(sql, params).catch((error) => {
    connection.closeSync();
    throw error;
  });
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', 'attachment; filename="at-risk.csv"');
  c.header('X-Total-Count', String(total));
  c.header('Access-Control-Expose-Headers', 'X-Total-Count');
  return stream(c, async (out) => {
    try {
      await out.write(`${AT_RISK_CSV_COLUMNS.join(',')}\n`);
      for await (const rows of result.yieldRowObjectJs()) {
        if (out.aborted) break;
        const lines = rows.map((r) => {
          const row = { ...(r as Record<string, unknown>), reasons: reasonList(r.reasons) } as Parameters<typeof atRiskCsvLine>[0] & Record<string, unknown>;
          return atRiskCsvLine(row, nba(row));
        });
        if (lines.length) await out.write(`${lines.join('\n')}\n`);
      }
    } finally {
      connection.closeSync();
    }
  });
}
