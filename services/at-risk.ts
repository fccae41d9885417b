import type { DuckDBValue } from '@duckdb/node-api';
import { badInput, notFound } from '../data/errors.ts';
import { ident, type Store } from '../data/store.ts';
import type { AtRiskCsvRow } from '../models/churn/at-risk-csv.ts';
import { storedReasons } from '../models/churn/reason-words.ts';
import type { NextBestAction } from '../models/playbooks/index.ts';
import { checkFilter, filterSql, type CustomerFilter, type ListFilter } from './customer-filter.ts';
import type { CustomerSource } from './customer-list.ts';
import { nextActionOf } from './next-action.ts';

/**
 * The at-risk list, once: customers ranked by value at risk (then churn probability, then id), with their tiers,
 * reasons and next best action. `tierlab churn at-risk`, the API's CSV download and campaign exports read it
 * here; the API's JSON page (`atRiskPage`) walks the server's in-memory list with the same checks, filters and
 * order (a test holds the two equal).
 */

/** The JSON list's page size when none is given; downloads take every filtered row unless limited. */
export const AT_RISK_DEFAULTS = { limit: 100 } as const;

export interface AtRiskOptions {
  filter?: CustomerFilter;
  /** At most this many rows; undefined: every row that passes the filter. */
  limit?: number;
}

export interface AtRiskRow extends AtRiskCsvRow {
  lifecycle_stage: string | null;
  next_best_action: NextBestAction | null;
}

export interface AtRiskQuery {
  /** The ranked rows (reasons as stored: a list of structs, or JSON text in stores scored before). */
  sql: string;
  /** How many customers pass the filter (before any limit). */
  countSql: string;
  params: Record<string, DuckDBValue>;
}

async function analyticsColumns(store: Store): Promise<Set<string>> {
  if (!(await store.has('customer_analytics'))) return new Set();
  return new Set((await store.all<{ column_name: string }>('DESCRIBE customer_analytics')).map((c) => c.column_name));
}

/**
 * Checks the options against the columns built so far: not_found before churn is trained, bad_input for a bad
 * limit or filter. Returns the filter in column terms (for the server's in-memory list).
 */
export function checkAtRisk(options: AtRiskOptions, columns: { has(name: string): boolean }): ListFilter {
  if (!columns.has('churn_probability')) throw notFound('no churn scores yet: train the churn model first (tierlab churn train, or a training job)');
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit >= 1)) {
    throw badInput(`limit must be a whole number >= 1, got ${options.limit}`, { field: 'limit' });
  }
  const filter = checkFilter(options.filter ?? {}, columns);
  // Only customers with a score: one not scored yet (a customer added since training) has no risk to rank.
  if (!filter.ranges.some((r) => r.column === 'churn_probability')) filter.ranges.push({ column: 'churn_probability', min: 0 });
  return filter;
}

/**
 * The ranked at-risk query over customer_analytics, its filter checked; not_found before churn is trained.
 *
 * @example
 * const { sql, params } = await atRiskQuery(store, { filter: { value_tier: 'VIP' } });
 */
export async function atRiskQuery(store: Store, options: AtRiskOptions = {}): Promise<AtRiskQuery> {
  const columns = await analyticsColumns(store);
  const { where, params } = filterSql(checkAtRisk(options, columns));
  const has = (name: string) => (columns.has(name) ? `CAST(${ident(name)} AS VARCHAR)` : 'NULL');
  const cluster = columns.has('cluster_name') ? has('cluster_name') : has('cluster');
  const filtered = `FROM customer_analytics ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  const limit = options.limit === undefined ? '' : `LIMIT ${options.limit}`;
  return {
    sql: `SELECT customer_id, churn_probability, risk_band, value_at_risk, ${has('expected_value_source')} AS expected_value_source,
        ${has('rfm_segment')} AS rfm_segment, ${has('value_tier')} AS value_tier, ${has('lifecycle_stage')} AS lifecycle_stage, ${cluster} AS cluster,
        ${columns.has('reasons') ? 'reasons' : 'NULL'} AS reasons
      ${filtered}
      ORDER BY value_at_risk DESC NULLS LAST, churn_probability DESC, customer_id ${limit}`,
    countSql: `SELECT count(*) AS n ${filtered}`,
    params,
  };
}

/**
 * One at-risk row as every front hands it out: reasons as a list of structs (models/churn/reason-words.ts), the next best action of `home`'s playbook.
 */
export function atRiskRow(row: Record<string, unknown>, home: string): AtRiskRow {
  const r = { ...row, reasons: storedReasons(row.reasons) } as unknown as AtRiskRow;
  return { ...r, next_best_action: nextActionOf(home)(r) };
}

/**
 * The ranked list and how many customers pass the filter (the list may be limited).
 *
 * @example
 * const { total, rows } = await atRiskList(store, home, { filter: { min_risk: 0.5 }, limit: 20 });
 */
export async function atRiskList(store: Store, home: string, options: AtRiskOptions = {}): Promise<{ total: number; rows: AtRiskRow[] }> {
  const query = await atRiskQuery(store, options);
  const rows = await store.all<Record<string, unknown>>(query.sql, query.params);
  const total = (await store.one<{ n: number }>(query.countSql, query.params))?.n ?? 0;
  return { total, rows: rows.map((r) => atRiskRow(r, home)) };
}

/**
 * The JSON page of the at-risk list, from the in-memory customer list (a hot path: no query): the same checks,
 * filters, order and rows as `atRiskList`, and how many customers pass the filter.
 *
 * @example
 * const { total, items } = await atRiskPage(deps.customers, deps.home, { filter: { risk_band: 'high' } });
 */
export async function atRiskPage(source: CustomerSource, home: string, options: AtRiskOptions = {}): Promise<{ total: number; items: AtRiskRow[] }> {
  const columns = await source.columns();
  const filter = checkAtRisk(options, columns);
  const list = await source.list();
  const page = list.page({ filter, sort: 'value_at_risk', desc: true, limit: options.limit ?? AT_RISK_DEFAULTS.limit });
  const cluster = columns.has('cluster_name') ? 'cluster_name' : 'cluster';
  const text = (value: unknown) => (value === undefined || value === null ? null : String(value));
  const items = (await source.rows(page.ids)).map((r) =>
    atRiskRow(
      {
        customer_id: r!.customer_id,
        churn_probability: r!.churn_probability,
        risk_band: r!.risk_band,
        value_at_risk: r!.value_at_risk,
        expected_value_source: text(r!.expected_value_source),
        rfm_segment: text(r!.rfm_segment),
        value_tier: text(r!.value_tier),
        lifecycle_stage: text(r!.lifecycle_stage),
        cluster: text(r![cluster]),
        reasons: r!.reasons,
      },
      home,
    ),
  );
  return { total: list.count(filter), items };
}
