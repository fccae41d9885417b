import { notFound } from '../../data/errors.ts';
import { customerTierHistory, FLOW_COLUMNS, historyVersions, tierAlerts, tierFlow } from '../../models/history/index.ts';
import type { RouteInput } from '../context.ts';
import { nextActionOf } from '../../services/next-action.ts';
import type { Schema, Values } from '../validate.ts';

const COMPARE: Schema = {
  from_version: { type: 'integer', min: 1, description: 'the earlier version (default: the one before to_version)' },
  since: { type: 'string', maxLength: 10, description: 'instead of from_version: the version in force on this date (YYYY-MM-DD, UTC)' },
  to_version: { type: 'integer', min: 1, description: 'the later version (default: the newest)' },
};

export const FLOW_QUERY: Schema = { ...COMPARE, column: { type: 'string', enum: FLOW_COLUMNS, description: 'default value_tier' } };
export const ALERTS_QUERY: Schema = COMPARE;

const compareOptions = (query: Values) => ({ fromVersion: query.from_version, toVersion: query.to_version, since: query.since });

/** GET /api/history/versions: the versions the tier history holds. */
export async function listHistoryVersions({ deps }: RouteInput) {
  return { versions: await historyVersions(deps.store) };
}

/** GET /api/history/flow: customers moved between the values of one tier column. */
export async function getTierFlow({ deps, query }: RouteInput) {
  return tierFlow(deps.store, { ...compareOptions(query), column: query.column });
}

/** GET /api/history/alerts: who dropped from VIP/Key or entered high risk, each with its next best action. */
export async function getTierAlerts({ deps, query }: RouteInput) {
  const result = await tierAlerts(deps.store, compareOptions(query));
  const nba = nextActionOf(deps.home);
  return { ...result, alerts: result.alerts.map((a) => ({ ...a, next_best_action: nba(a) })) };
}

/** GET /api/customers/:id/history: one customer's tiers in every recorded version. */
export async function getCustomerHistory({ deps, params }: RouteInput) {
  const rows = await customerTierHistory(deps.store, params.id);
  if (!rows.length && !(await deps.customers.row(params.id))) throw notFound(`customer ${params.id} does not exist`, { field: 'id' });
  return { customer_id: params.id, history: rows };
}
