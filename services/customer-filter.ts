import type { DuckDBValue } from '@duckdb/node-api';
import { badInput } from '../data/errors.ts';
import { ident } from '../data/store.ts';

/**
 * The filters every customer list takes (the customer list, the at-risk list, campaigns, exports): each is a
 * column of `customer_analytics`. The API takes them as query parameters of the same names, the CLI as flags.
 */
export interface CustomerFilter {
  rfm_segment?: string;
  value_tier?: string;
  /** Cluster number or name. */
  cluster?: string;
  lifecycle_stage?: string;
  risk_band?: string;
  /** Churn probability at least. */
  min_risk?: number;
  /** Churn probability at most. */
  max_risk?: number;
}

export const FILTER_FIELDS = ['rfm_segment', 'value_tier', 'cluster', 'lifecycle_stage', 'risk_band', 'min_risk', 'max_risk'] as const;

/**
 * The filter fields among a front's parsed options (an API query, CLI flags), the others left out.
 *
 * @example
 * pickFilter({ value_tier: 'VIP', limit: 20 }); // { value_tier: 'VIP' }
 */
export function pickFilter(values: Record<string, unknown>): CustomerFilter {
  return Object.fromEntries(FILTER_FIELDS.filter((f) => values[f] !== undefined).map((f) => [f, values[f]])) as CustomerFilter;
}

/** A checked filter in column terms: a row passes when, for each `equals`, any of its columns holds the value. */
export interface ListFilter {
  equals: { columns: string[]; value: string }[];
  ranges: { column: string; min?: number; max?: number }[];
}

/**
 * Checks a filter against the columns built so far (a filter on a column not computed yet is a bad_input
 * naming the field) and turns it into column terms.
 *
 * @example
 * checkFilter({ value_tier: 'VIP', min_risk: 0.5 }, new Set(['value_tier', 'churn_probability']));
 * // { equals: [{ columns: ['value_tier'], value: 'VIP' }], ranges: [{ column: 'churn_probability', min: 0.5 }] }
 */
export function checkFilter(filter: CustomerFilter, columns: { has(name: string): boolean }): ListFilter {
  const checked: ListFilter = { equals: [], ranges: [] };
  const need = (field: string, column: string) => {
    if (!columns.has(column)) throw badInput(`cannot filter on ${field}: ${column} is not computed yet (train the models first)`, { field });
  };
  for (const field of ['rfm_segment', 'value_tier', 'lifecycle_stage', 'risk_band'] as const) {
    if (filter[field] === undefined) continue;
    need(field, field);
    checked.equals.push({ columns: [field], value: filter[field] });
  }
  if (filter.cluster !== undefined) {
    need('cluster', 'cluster');
    // Clusters are filtered by number or by name, whichever the segmentation stores.
    checked.equals.push({ columns: ['cluster', 'cluster_name'].filter((c) => columns.has(c)), value: filter.cluster });
  }
  const { min_risk: min, max_risk: max } = filter;
  for (const [field, value] of [['min_risk', min], ['max_risk', max]] as const) {
    if (value !== undefined && !(value >= 0 && value <= 1)) throw badInput(`${field} must be a probability between 0 and 1, got ${value}`, { field });
  }
  if (min !== undefined && max !== undefined && min > max) throw badInput(`min_risk (${min}) is above max_risk (${max}): no customer can match`, { field: 'min_risk' });
  if (min !== undefined || max !== undefined) {
    need(min !== undefined ? 'min_risk' : 'max_risk', 'churn_probability');
    checked.ranges.push({ column: 'churn_probability', min, max });
  }
  return checked;
}

/** A checked filter as SQL over customer_analytics: WHERE terms and their named parameters. */
export function filterSql(filter: ListFilter): { where: string[]; params: Record<string, DuckDBValue> } {
  const where: string[] = [];
  const params: Record<string, DuckDBValue> = {};
  filter.equals.forEach((eq, i) => {
    where.push(`(${eq.columns.map((c) => `CAST(${ident(c)} AS VARCHAR) = $eq${i}`).join(' OR ')})`);
    params[`eq${i}`] = eq.value;
  });
  filter.ranges.forEach((r, i) => {
    if (r.min !== undefined) {
      where.push(`${ident(r.column)} >= $min${i}`);
      params[`min${i}`] = r.min;
    }
    if (r.max !== undefined) {
      where.push(`${ident(r.column)} <= $max${i}`);
      params[`max${i}`] = r.max;
    }
  });
  return { where, params };
}
