import { csvCell } from '../../data/csv-cell.ts';
import { badInput } from '../../data/errors.ts';
import { atRiskList, AT_RISK_DEFAULTS, type AtRiskRow } from '../../models/churn/at-risk.ts';
import { runChurnStage, STAGE_DEFAULTS, type ChurnStageResult } from '../../models/churn/pipeline.ts';
import { defineCommand, numberFlag } from '../command.ts';
import { withStore } from '../store-flag.ts';

/** The evaluation as the JSON the README documents (`roc_auc` on the held-out split, CV figures when asked). */
function evaluationJson(result: ChurnStageResult) {
  return {
    label: result.label,
    split: result.split,
    backend: result.backend,
    train_ms: Math.round(result.trainMs),
    ...result.evaluation,
    ...(result.cv ? { cv_roc_auc_mean: result.cv.mean, cv_roc_auc_std: result.cv.std, cv_roc_auc_folds: result.cv.folds } : {}),
    selection: result.selection,
    importance: result.importance,
    scored: result.scored,
    expected_value_source: result.expectedValueSource,
  };
}

function summaryText(result: ChurnStageResult): string {
  const e = result.evaluation;
  const f = (x: number) => x.toFixed(3);
  const lines = [
    `Churn model (${result.label} labels, ${result.split}), ${result.selection.chosen} on ${result.backend}, trained in ${Math.round(result.trainMs)} ms`,
    `Held-out: ${e.rows} customers, ${e.positives} churned`,
    `  model     ROC-AUC ${f(e.roc_auc)}  PR-AUC ${f(e.pr_auc)}  log loss ${f(e.log_loss)}  Brier ${f(e.brier)}  top-decile lift ${f(e.lift[0].lift)}`,
  ];
  if (e.baseline) lines.push(`  baseline  ROC-AUC ${f(e.baseline.roc_auc)}  PR-AUC ${f(e.baseline.pr_auc)}  log loss ${f(e.baseline.log_loss)}  Brier ${f(e.baseline.brier)}  (${e.baseline.feature} alone)`);
  if (result.cv) lines.push(`  ${result.cv.folds.length}-fold CV ROC-AUC ${f(result.cv.mean)} ± ${f(result.cv.std)}`);
  lines.push(`Top features (AUC drop when shuffled): ${result.importance.slice(0, 5).map((i) => `${i.feature} ${f(i.aucDrop)}`).join(', ')}`);
  lines.push(`Scored ${result.scored} customers into customer_churn (expected value: ${result.expectedValueSource}).`);
  return lines.join('\n');
}

function atRiskCsv(rows: AtRiskRow[]): string {
  const header = ['customer_id', 'churn_probability', 'risk_band', 'value_at_risk', 'rfm_segment', 'value_tier', 'cluster', 'reasons'];
  const lines = rows.map((r) =>
    [r.customer_id, r.churn_probability.toFixed(4), r.risk_band, r.value_at_risk?.toFixed(2), r.rfm_segment, r.value_tier, r.cluster, r.reasons.join('; ')].map(csvCell).join(','),
  );
  return [header.join(','), ...lines].join('\n');
}

export default defineCommand({
  summary: 'Churn risk: train and score (customer_churn), or list the customers most at risk',
  usage: `
tierlab churn train   [--db PATH] [--label explicit|behavioural] [--horizon DAYS] [--as-of DATE] [--cv K] [--json]
tierlab churn at-risk [--db PATH] [--limit N] [--min-risk P] [--tier T] [--cluster C] [--format csv|json]

train    Trains on the labels (explicit: customers.churned; behavioural: no purchase in the next --horizon days,
         default ${STAGE_DEFAULTS.horizonDays}), evaluates on a held-out split (stratified 80/20 seed ${STAGE_DEFAULTS.seed}; out-of-time for
         behavioural) beside a one-feature baseline, then scores every customer into customer_churn.
         --cv K adds ROC-AUC over K stratified folds. --json prints the whole evaluation as JSON.
at-risk  Customers ranked by value at risk (probability x expected value), with band, RFM segment, cluster and
         the top reasons. Default --limit ${AT_RISK_DEFAULTS.limit}, --format csv.`,
  options: {
    db: { type: 'string' },
    label: { type: 'string' },
    horizon: { type: 'string' },
    'as-of': { type: 'string' },
    cv: { type: 'string' },
    json: { type: 'boolean' },
    limit: { type: 'string' },
    'min-risk': { type: 'string' },
    tier: { type: 'string' },
    cluster: { type: 'string' },
    format: { type: 'string' },
  },
  positionals: true,
  async run(flags, positionals) {
    const [action] = positionals;
    if (action === 'train') {
      const label = flags.label ?? STAGE_DEFAULTS.label;
      if (label !== 'explicit' && label !== 'behavioural') throw badInput(`--label must be explicit or behavioural, got "${label}"`, { field: 'label' });
      const horizonDays = numberFlag(flags.horizon, 'horizon', STAGE_DEFAULTS.horizonDays);
      const cvFolds = numberFlag(flags.cv, 'cv', 0);
      if (horizonDays < 1 || !Number.isInteger(horizonDays)) throw badInput('--horizon must be a whole number of days >= 1', { field: 'horizon' });
      if (flags.cv !== undefined && (cvFolds < 2 || !Number.isInteger(cvFolds))) throw badInput('--cv must be a whole number >= 2', { field: 'cv' });
      await withStore(flags.db, async (store) => {
        process.stderr.write(`churn: training (${label} labels)...\n`);
        const result = await runChurnStage(store, { label, horizonDays, cvFolds, asOf: flags['as-of'] });
        console.log(flags.json ? JSON.stringify(evaluationJson(result)) : summaryText(result));
      });
      return;
    }
    if (action === 'at-risk') {
      const format = flags.format ?? 'csv';
      if (format !== 'csv' && format !== 'json') throw badInput(`--format must be csv or json, got "${format}"`, { field: 'format' });
      const rows = await withStore(flags.db, (store) =>
        atRiskList(store, {
          limit: numberFlag(flags.limit, 'limit', AT_RISK_DEFAULTS.limit),
          minRisk: numberFlag(flags['min-risk'], 'min-risk', AT_RISK_DEFAULTS.minRisk),
          tier: flags.tier,
          cluster: flags.cluster,
        }),
      );
      console.log(format === 'json' ? JSON.stringify(rows) : atRiskCsv(rows));
      return;
    }
    throw badInput(`churn needs an action: train or at-risk, got "${action ?? ''}" (tierlab churn --help)`);
  },
});
