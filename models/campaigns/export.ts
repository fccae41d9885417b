import { csvCell } from '../../data/csv-cell.ts';
import { ACTION_CSV_COLUMNS, actionCells } from '../churn/at-risk-csv.ts';
import type { Action } from '../playbooks/index.ts';

/** The treatment list's columns: the member as frozen at creation, then the campaign's action. */
export const EXPORT_COLUMNS = [
  'customer_id', 'value_tier', 'rfm_segment', 'lifecycle_stage', 'cluster', 'risk_band', 'churn_probability', 'monetary', 'value_at_risk',
  ...ACTION_CSV_COLUMNS,
] as const;

/** The treatment members in export order (value at risk first), for a streamed read. */
export const TREATMENT_SQL = `SELECT customer_id, value_tier, rfm_segment, lifecycle_stage, cluster, risk_band, churn_probability, CAST(monetary AS DOUBLE) AS monetary, value_at_risk
  FROM campaign_members WHERE campaign_id = $id AND arm = 'treatment' ORDER BY value_at_risk DESC NULLS LAST, customer_id`;

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
