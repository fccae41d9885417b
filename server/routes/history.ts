import { notFound } from '../../data/errors.ts';
import { customerTierHistory, historyVersions, tierAlerts, tierFlow } from '../../models/history/index.ts';
import type { AlertsQuery, CustomerHistoryAnswer, FlowQuery, HistoryVersionsAnswer, TierAlertsAnswer, TierFlowAnswer } from '../contracts.ts';
import type { RouteInput } from '../context.ts';
import { nextActionOf } from '../../services/next-action.ts';
import type { Values } from '../validate.ts';

const compareOptions = (query: Values) => ({ fromVersion: query.from_version, toVersion: query.to_version, since: query.since });

/** GET /api/history/versions: the versions the tier history holds. */
export async function listHistoryVersions({ deps }: RouteInput): Promise<HistoryVersionsAnswer> {
  return { versions: await historyVersions(deps.store) };
}

/** GET /api/history/flow: customers moved between the values of one tier column. */
export async function getTierFlow({ deps, query }: RouteInput<FlowQuery>): Promise<TierFlowAnswer> {
  return tierFlow(deps.store, { ...compareOptions(query), column: query.column });
}

/** GET /api/history/alerts: who dropped from VIP/Key or entered high risk, each with its next best action. */
export async function getTierAlerts({ deps, query }: RouteInput<AlertsQuery>): Promise<TierAlertsAnswer> {
  const result = await tierAlerts(deps.store, compareOptions(query));
  const nba = nextActionOf(deps.home);
  return { ...result, alerts: result.alerts.map((a) => ({ ...a, next_best_action: nba(a) })) };
}

/** GET /api/customers/:id/history: one customer's tiers in every recorded version. */
export async function getCustomerHistory({ deps, params }: RouteInput): Promise<CustomerHistoryAnswer> {
  const rows = await customerTierHistory(deps.store, params.id);
  if (!rows.length && !(await deps.customers.row(params.id))) throw notFound(`customer ${params.id} does not exist`, { field: 'id' });
  return { customer_id: params.id, history: rows };
}
