import { csvCell } from '../../data/csv-cell.ts';
import { actionCells } from '../churn/at-risk-csv.ts';
import type { Action } from '../playbooks/index.ts';

/** The treatment list's columns: the member as frozen at creation, then the campaign's action. */
export const EXPORT_COLUMNS = [
  'customer_id', 'value_tier', 'rfm_segment', 'lifecycle_stage', 'cluster', 'risk_band', 'churn_probability', 'monetary', 'value_at_risk',
  'next_action', 'action_channel', 'action_owner', 'action_offer', 'action_budget', 'action_service_days',
] as const;

/** The treatment members in export order (value at risk first), for a streamed read. */
export const TREATMENT_SQL = `SELECT customer_id, value_tier, rfm_segment, lifecycle_stage, cluster, risk_band, churn_probability, CAST(monetary AS DOUBLE) AS monetary, value_at_risk
  FROM campaign_members WHERE campaign_id = $id AND arm = 'treatment' ORDER BY value_at_risk DESC NULLS LAST, customer_id`;

export type TreatmentRow = Record<(typeof EXPORT_COLUMNS)[number] & string, unknown>;

/**
 * One CSV line of the treatment list.
 *
 * @example
 * exportCsvLine(row, campaign.action); // 'C0042,VIP,Champions,...,Personal win-back call,account_manager,...'
 */
export function exportCsvLine(row: Record<string, unknown>, action: Action): string {
  const cells = [row.customer_id, row.value_tier, row.rfm_segment, row.lifecycle_stage, row.cluster, row.risk_band, row.churn_probability, row.monetary, row.value_at_risk, ...actionCells({ rule_id: '', ...action })];
  return cells.map(csvCell).join(',');
}
