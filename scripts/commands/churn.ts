import { badInput } from '../../data/errors.ts';
import { tierlabHome } from '../../data/paths.ts';
import { AT_RISK_CSV_COLUMNS, atRiskCsvLine } from '../../models/churn/at-risk-csv.ts';
import { MEMBER_KINDS, type MemberKind } from '../../models/churn/candidates.ts';
import { TRAIN_DEFAULTS } from '../../models/churn/model.ts';
import { runChurnStage, STAGE_DEFAULTS, type ChurnStageResult } from '../../models/churn/pipeline.ts';
import type { LabelKind } from '../../models/churn/dataset.ts';
import { PROTECTED_WORDS } from '../../models/churn/protected.ts';
import { AT_RISK_DEFAULTS, atRiskList } from '../../services/at-risk.ts';
import type { CustomerFilter } from '../../services/customer-filter.ts';
import { defineCommand, numberFlag } from '../command.ts';
import { atRiskTable } from '../at-risk-table.ts';
import { LANG_USAGE, langFlag } from '../lang-flag.ts';
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
  lines.push(`Risk bands (${e.bands.rule}), on the held-out rows:`);
  for (const b of e.bands.table) {
    const from = b.band === 'high' ? `>= ${f(e.bands.high)}` : b.band === 'medium' ? `>= ${f(e.bands.medium)}` : `<  ${f(e.bands.medium)}`;
    lines.push(`  ${b.band.padEnd(6)} ${from}  ${(b.share * 100).toFixed(1).padStart(5)}% of customers  churn rate ${(b.churnRate * 100).toFixed(1).padStart(5)}%  lift ${Number.isFinite(b.lift) ? b.lift.toFixed(2) : '-'}`);
  }
  const selection = result.selection;
  lines.push(`Selection (${selection.method}): ${selection.candidates.map((c) => `${c.name} ${f(c.cvAuc)}`).join(', ')}; chosen ${selection.chosen}`);
  if (result.model.json.protected.columns.length) {
    lines.push(`Protected columns ${result.model.json.protected.inModel ? 'used by the model (never reasons)' : 'left out'}: ${result.model.json.protected.columns.join(', ')}`);
  }
  lines.push(`Top features (AUC drop when shuffled): ${result.importance.slice(0, 5).map((i) => `${i.feature} ${f(i.aucDrop)}`).join(', ')}`);
  lines.push(`Scored ${result.scored} customers into customer_churn (expected value: ${result.expectedValueSource}).`);
  return lines.join('\n');
}

export default defineCommand({
  summary: 'Churn risk: train and score (customer_churn), or list the customers most at risk',
  usage: `
tierlab churn train   [--db PATH] [--label explicit|behavioural] [--horizon DAYS] [--as-of DATE] [--cv K]
                      [--candidates gbdt,logistic,mlp] [--protected WORD,...] [--use-protected] [--json]
tierlab churn at-risk [--db PATH] [--min-risk P] [--max-risk P] [--tier T] [--segment S] [--lifecycle L]
                      [--band B] [--cluster C] [--limit N] [--format csv|json|table] [--lang en|zh]

train    Trains on the labels (explicit: customers.churned; behavioural: no purchase in the next --horizon days,
         default ${STAGE_DEFAULTS.horizonDays}), evaluates on a held-out split (stratified 80/20 seed ${STAGE_DEFAULTS.seed}; out-of-time for
         behavioural) beside a one-feature baseline, then scores every customer into customer_churn.
         --cv K adds ROC-AUC over K stratified folds. --json prints the whole evaluation as JSON.
         --candidates: the kinds judged by inner cross-validation, alone and blended (default ${TRAIN_DEFAULTS.candidates.join(',')}).
         --protected: words that mark a column protected, replacing the default list
         (${PROTECTED_WORDS.join(', ')}); protected columns are left out of the model
         unless --use-protected, and never appear as reasons.
at-risk  Customers ranked by value at risk (probability x expected value), with band, tiers, cluster, reasons and
         the playbook's next best action: the same rows and columns as the API (GET /api/churn/at-risk).
         Filters: --tier (value tier), --segment (RFM), --lifecycle, --band, --cluster (number or name),
         --min-risk/--max-risk (churn probability). --format csv (default) prints every filtered row unless
         --limit; --format json prints {total, items} with ${AT_RISK_DEFAULTS.limit} items unless --limit; --format table
         prints those items aligned for reading, names and reasons in --lang (CSV and JSON keep the English names).
         ${LANG_USAGE}`,
  options: {
    db: { type: 'string' },
    label: { type: 'string' },
    horizon: { type: 'string' },
    'as-of': { type: 'string' },
    cv: { type: 'string' },
    json: { type: 'boolean' },
    candidates: { type: 'string' },
    protected: { type: 'string' },
    'use-protected': { type: 'boolean' },
    limit: { type: 'string' },
    'min-risk': { type: 'string' },
    tier: { type: 'string' },
    segment: { type: 'string' },
    lifecycle: { type: 'string' },
    band: { type: 'string' },
    'max-risk': { type: 'string' },
    cluster: { type: 'string' },
    format: { type: 'string' },
    lang: { type: 'string' },
  },
  positionals: true,
  async run(flags, positionals) {
    const [action] = positionals;
    if (action === 'train') {
      const label = flags.label ?? STAGE_DEFAULTS.label;
      const horizonDays = numberFlag(flags.horizon, 'horizon', STAGE_DEFAULTS.horizonDays);
      const cvFolds = numberFlag(flags.cv, 'cv', 0);
      const candidates = flags.candidates === undefined ? undefined : flags.candidates.split(',').map((c) => c.trim());
      const unknown = candidates?.find((c) => !MEMBER_KINDS.includes(c as MemberKind));
      if (candidates && (!candidates.length || unknown !== undefined)) throw badInput(`--candidates takes ${MEMBER_KINDS.join(', ')}, got "${unknown ?? ''}"`, { field: 'candidates' });
      const words = flags.protected === undefined ? undefined : flags.protected.split(',').map((w) => w.trim()).filter(Boolean);
      const train = { ...(candidates && { candidates: candidates as MemberKind[] }), protected: { words, use: flags['use-protected'] ?? false } };
      await withStore(flags.db, async (store) => {
        process.stderr.write(`churn: training (${label} labels)...\n`);
        const result = await runChurnStage(store, { label: label as LabelKind, horizonDays, cvFolds, asOf: flags['as-of'], train });
        console.log(flags.json ? JSON.stringify(evaluationJson(result)) : summaryText(result));
      });
      return;
    }
    if (action === 'at-risk') {
      const format = flags.format ?? 'csv';
      if (format !== 'csv' && format !== 'json' && format !== 'table') throw badInput(`--format must be csv, json or table, got "${format}"`, { field: 'format' });
      const lang = langFlag(flags.lang);
      const number = (flag: 'min-risk' | 'max-risk' | 'limit') => (flags[flag] === undefined ? undefined : numberFlag(flags[flag], flag, 0));
      const filter: CustomerFilter = {
        value_tier: flags.tier,
        rfm_segment: flags.segment,
        lifecycle_stage: flags.lifecycle,
        risk_band: flags.band,
        cluster: flags.cluster,
        min_risk: number('min-risk'),
        max_risk: number('max-risk'),
      };
      // As over the API: a JSON page (or a table) of 100 unless --limit, a CSV of every filtered row unless --limit.
      const limit = number('limit') ?? (format === 'csv' ? undefined : AT_RISK_DEFAULTS.limit);
      const { total, rows } = await withStore(flags.db, (store) => atRiskList(store, tierlabHome(), { filter, limit }), 'read');
      if (format === 'json') console.log(JSON.stringify({ total, items: rows }));
      else if (format === 'table') console.log(atRiskTable(rows, total, lang));
      else console.log([AT_RISK_CSV_COLUMNS.join(','), ...rows.map((r) => atRiskCsvLine(r, r.next_best_action))].join('\n'));
      return;
    }
    throw badInput(`churn needs an action: train or at-risk, got "${action ?? ''}" (tierlab churn --help)`);
  },
});
