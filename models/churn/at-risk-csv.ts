import { csvCell } from '../../data/csv-cell.ts';
import type { NextBestAction } from '../playbooks/index.ts';
import type { StoredReason } from './reason-words.ts';

/**
 * The columns of every at-risk CSV (the API's download and `tierlab churn at-risk`): one list, so both files
 * read the same, with the next best action of the playbook in force at the end.
 */
/** The next best action's columns in every export (at-risk lists, campaign lists, alerts). */
export const ACTION_CSV_COLUMNS = ['next_action', 'action_channel', 'action_owner', 'action_offer', 'action_budget', 'action_service_days'] as const;

export const AT_RISK_CSV_COLUMNS = [
  'customer_id', 'churn_probability', 'risk_band', 'value_at_risk', 'expected_value_source', 'rfm_segment', 'value_tier', 'cluster', 'reasons',
  ...ACTION_CSV_COLUMNS,
] as const;

/** The fields an at-risk CSV line is made of (a row of `atRiskList` or of the API's query). */
export interface AtRiskCsvRow {
  customer_id: string;
  churn_probability: number | null;
  risk_band: string | null;
  value_at_risk: number | null;
  expected_value_source: string | null;
  rfm_segment: string | null;
  value_tier: string | null;
  cluster: string | null;
  reasons: StoredReason[];
}

/** The action columns of any export: empty cells when no rule matches. */
export function actionCells(action: NextBestAction | null): unknown[] {
  return action ? [action.name, action.channel, action.owner_role, action.offer, action.budget_per_customer, action.service_level_days] : [null, null, null, null, null, null];
}

/**
 * One CSV line: probability to 4 places, money to 2, reasons in English joined by "; ".
 *
 * @example
 * atRiskCsvLine(row, nba(row)); // 'C001,0.8123,high,1234.50,clv_12m,At risk,Key,2,...'
 */
export function atRiskCsvLine(r: AtRiskCsvRow, action: NextBestAction | null): string {
  const cells = [r.customer_id, r.churn_probability?.toFixed(4), r.risk_band, r.value_at_risk?.toFixed(2), r.expected_value_source, r.rfm_segment, r.value_tier, r.cluster, r.reasons.map((reason) => reason.text).join('; '), ...actionCells(action)];
  return cells.map(csvCell).join(',');
}
