import { badInput } from '../../data/errors.ts';
import { ident } from '../../data/store.ts';

/** The customer filters a campaign is drawn with: the list filters of the API and the at-risk list. */
export interface CampaignFilter {
  rfm_segment?: string;
  value_tier?: string;
  lifecycle_stage?: string;
  risk_band?: string;
  /** Cluster number or name. */
  cluster?: string;
  min_risk?: number;
  max_risk?: number;
}

export const FILTER_KEYS = ['rfm_segment', 'value_tier', 'lifecycle_stage', 'risk_band', 'cluster', 'min_risk', 'max_risk'] as const;

/**
 * The filter as SQL over `customer_analytics` with its `columns`; a filter on a column not built yet is refused
 * by name, and so is a range no customer can be in.
 *
 * @example
 * filterWhere({ value_tier: 'VIP', min_risk: 0.5 }, columns); // { where: ['CAST("value_tier" AS VARCHAR) = $value_tier', ...], params }
 */
export function filterWhere(filter: CampaignFilter, columns: Set<string>): { where: string[]; params: Record<string, string | number> } {
  const where: string[] = [];
  const params: Record<string, string | number> = {};
  const need = (field: string, column: string) => {
    if (!columns.has(column)) throw badInput(`cannot filter on ${field}: ${column} is not computed yet (train the models first)`, { field });
  };
  for (const key of ['rfm_segment', 'value_tier', 'lifecycle_stage', 'risk_band'] as const) {
    if (filter[key] === undefined) continue;
    need(key, key);
    where.push(`CAST(${ident(key)} AS VARCHAR) = $${key}`);
    params[key] = filter[key];
  }
  if (filter.cluster !== undefined) {
    need('cluster', 'cluster');
    where.push(`(${['cluster', 'cluster_name'].filter((c) => columns.has(c)).map((c) => `CAST(${ident(c)} AS VARCHAR) = $cluster`).join(' OR ')})`);
    params.cluster = filter.cluster;
  }
  if (filter.min_risk !== undefined && filter.max_risk !== undefined && filter.min_risk > filter.max_risk) {
    throw badInput(`min_risk (${filter.min_risk}) is above max_risk (${filter.max_risk}): no customer can match`, { field: 'min_risk' });
  }
  for (const [key, op] of [['min_risk', '>='], ['max_risk', '<=']] as const) {
    if (filter[key] === undefined) continue;
    need(key, 'churn_probability');
    where.push(`churn_probability ${op} $${key}`);
    params[key] = filter[key];
  }
  return { where, params };
}
