/** The message a retrain sends to the webhook (TIERLAB_WEBHOOK_URL) when it ends, whatever the outcome. */

import type { RunRecord } from './runs.ts';

export type Decision = 'promoted' | 'kept' | 'failed' | 'interrupted';

export interface RetrainMessage {
  event: `tierlab.retrain.${Decision}`;
  decision: Decision;
  version: number | null;
  active: number | null;
  reason: string;
  figures: { churn_roc_auc: number | null; churn_log_loss: number | null; clusters: number | null };
  run_id: string;
  started_at: string;
  ended_at: string;
  /** One line for people: a Slack incoming webhook shows this field and ignores the rest. */
  text: string;
  run: RunRecord;
}

const round = (x: number | null | undefined) => (typeof x === 'number' ? Math.round(x * 10_000) / 10_000 : null);

/**
 * What a finished run tells the webhook: the decision, the version, the key figures and a `text` line.
 *
 * @example
 * retrainMessage(record, { interrupted: false }).text; // 'Tierlab retrain: promoted v3 (churn ROC-AUC 0.8123) - ...'
 */
export function retrainMessage(record: RunRecord, options: { interrupted: boolean }): RetrainMessage {
  const decision: Decision = record.outcome === 'failed' && options.interrupted ? 'interrupted' : record.outcome;
  const figures = (record.figures ?? {}) as { churn_roc_auc?: number | null; churn_log_loss?: number | null; clusters?: number | null };
  const key = { churn_roc_auc: round(figures.churn_roc_auc), churn_log_loss: round(figures.churn_log_loss), clusters: figures.clusters ?? null };
  const seconds = Math.round((Date.parse(record.ended_at) - Date.parse(record.started_at)) / 1000);
  const what = {
    promoted: `promoted v${record.version}, now served`,
    kept: `kept v${record.active_after ?? '-'} served; v${record.version} trained but not promoted`,
    failed: `failed; v${record.active_after ?? '-'} still served`,
    interrupted: `interrupted; v${record.active_after ?? '-'} still served`,
  }[decision];
  const auc = key.churn_roc_auc === null ? '' : ` (churn ROC-AUC ${key.churn_roc_auc})`;
  return {
    event: `tierlab.retrain.${decision}`,
    decision,
    version: record.version ?? null,
    active: record.active_after,
    reason: record.reason,
    figures: key,
    run_id: record.run_id,
    started_at: record.started_at,
    ended_at: record.ended_at,
    text: `Tierlab retrain ${what}${auc} in ${seconds} s. ${record.reason}`,
    run: record,
  };
}

/**
 * POSTs the message. A webhook that is down or slow is written to `log` and never fails the run: the run is
 * recorded before this is called.
 */
export async function notifyWebhook(url: string | undefined, message: RetrainMessage, log: (line: string) => void = (line) => console.error(line)): Promise<void> {
  if (!url) return;
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message), signal: AbortSignal.timeout(5000) });
    if (!response.ok) log(`tierlab: the retrain webhook answered HTTP ${response.status}; the run ${message.run_id} is recorded all the same`);
  } catch (error) {
    log(`tierlab: the retrain webhook could not be reached (${(error as Error).message}); the run ${message.run_id} is recorded all the same`);
  }
}
