/**
 * The promotion gate of a retrain: the candidate's churn model against the active version's on rows neither was
 * fitted on, and whether the candidate may replace the active version.
 *
 * Both sides are evaluation models (fitted on their run's training split only), scored on the candidate's
 * held-out rows. What is left of a leak: explicit labels are split at random over the customers present at each
 * run, so once new customers arrive the split changes and a few of the candidate's held-out rows may have been
 * in the active evaluation model's training split; its figure is then a little optimistic, which favours
 * keeping the active version. Behavioural labels split by time: the active evaluation model's labels end
 * before the candidate's test window starts, unless the scoring date moves back (`--as-of`).
 */
import { predictTable } from '../churn/feature-table.ts';
import { logLoss, rocAuc } from '../churn/metrics.ts';
import { ChurnModel, type ChurnModelJSON } from '../churn/model.ts';
import type { ChurnStageResult } from '../churn/pipeline.ts';
import type { Bundle } from '../pipeline.ts';

export type PromotePolicy = 'auto' | 'always' | 'never';

/** One model's figures, and where they come from. */
export interface GateFigures {
  /**
   * `evaluation`: its evaluation model (fitted on its run's training split only) scored on the compared rows;
   * `recorded`: the held-out figures its manifest recorded when it was trained (its own held-out rows).
   */
  model: 'evaluation' | 'recorded';
  roc_auc: number;
  log_loss: number;
}

/** What the gate compared and decided, as a version's manifest keeps it (`evaluation.comparison`). */
export interface Comparison {
  /** The candidate's held-out rows: both models are scored on these. */
  rows: { count: number; churned: number; split: string };
  candidate: GateFigures;
  active: (GateFigures & { version: number }) | null;
  /** Why the active figures may be optimistic, or why there are none. */
  note?: string;
  promote: boolean;
  decision: string;
}

export const NO_EVALUATION_MODEL =
  'active version has no evaluation model: compared with the held-out figure recorded when it was trained (its own held-out rows, not these)';

function figuresOf(model: ChurnModel, test: ChurnStageResult['test']): GateFigures {
  const p = predictTable(model, test.table);
  return { model: 'evaluation', roc_auc: rocAuc(p, test.labels), log_loss: logLoss(p, test.labels) };
}

/**
 * The active version's figures for the gate: its evaluation model on the compared rows. Versions written before
 * those were kept have only their final model, refitted on labelled rows that may be among the compared ones
 * (on unchanged data, all of them: it would win every comparison); for them the gate takes the out-of-sample
 * figure their manifest recorded, on their own held-out rows.
 */
function activeFigures(active: NonNullable<GateOptions['active']>, test: ChurnStageResult['test']): GateFigures {
  if (active.bundle.churn_evaluation) return figuresOf(ChurnModel.fromJSON(active.bundle.churn_evaluation as ChurnModelJSON), test);
  const recorded = active.heldOut;
  if (typeof recorded?.roc_auc !== 'number') throw new Error('it has no evaluation model and no recorded held-out figure');
  return { model: 'recorded', roc_auc: recorded.roc_auc, log_loss: recorded.log_loss ?? Number.NaN };
}

export interface GateOptions {
  policy: PromotePolicy;
  /** A candidate whose ROC-AUC is below the active one's by more than this is not promoted. */
  tolerance: number;
  /** The candidate's churn stage: its evaluation model, held-out rows and how they were split. */
  churn: Pick<ChurnStageResult, 'evalModel' | 'test' | 'split'>;
  /** The active version: its bundle, and the held-out figures its manifest recorded (`evaluation.churn.evaluation`). */
  active?: { version: number; bundle: Bundle; heldOut?: { roc_auc?: number; log_loss?: number } };
}

/**
 * Scores the candidate's evaluation model (fitted on its training split only) and the active version's
 * evaluation model on the candidate's held-out rows, and decides. `auto` promotes when nothing is active, when
 * the active model cannot score the rows, or when the candidate's ROC-AUC is at most `tolerance` below the
 * active one's.
 *
 * @example
 * const { promote, decision } = compareWithActive({ policy: 'auto', tolerance: 0.01, churn: result.churn, active: { version: 3, bundle } });
 */
export function compareWithActive(options: GateOptions): Comparison {
  const { test, split } = options.churn;
  const rows = { count: test.labels.length, churned: test.labels.reduce((s, y) => s + y, 0), split };
  const candidate = figuresOf(options.churn.evalModel, test);
  const onRows = `the candidate's ${rows.count} held-out rows (${split})`;
  let active: Comparison['active'] = null;
  let note: string | undefined;
  let figures = `candidate ROC-AUC ${candidate.roc_auc.toFixed(4)} (evaluation model, fitted on its training split only) on ${onRows}`;
  if (options.active) {
    const { version, bundle } = options.active;
    try {
      active = { version, ...activeFigures(options.active, test) };
      if (active.model === 'recorded') note = NO_EVALUATION_MODEL;
      figures =
        active.model === 'evaluation'
          ? `candidate ROC-AUC ${candidate.roc_auc.toFixed(4)} vs active v${version} ${active.roc_auc.toFixed(4)} on ${onRows}; both evaluation models, fitted on their own training split only`
          : `candidate ROC-AUC ${candidate.roc_auc.toFixed(4)} on ${onRows} vs active v${version} ${active.roc_auc.toFixed(4)}: ${NO_EVALUATION_MODEL}`;
    } catch (error) {
      note = `the churn model of active version ${version} cannot score these rows: ${(error as Error).message}`;
    }
  }
  const decided = decide(options, candidate.roc_auc, active?.roc_auc, note);
  return { rows, candidate, active, ...(note && { note }), promote: decided.promote, decision: `${decided.reason}: ${figures}` };
}

function decide(options: GateOptions, candidateAuc: number, activeAuc: number | undefined, note: string | undefined): { promote: boolean; reason: string } {
  // Before the policy: "forced" would misdescribe a first version whatever flag asked for it.
  if (!options.active && options.policy !== 'never') return { promote: true, reason: 'first version: nothing to compare with yet, so it is served' };
  if (options.policy === 'always') return { promote: true, reason: 'promotion forced (--promote always)' };
  if (options.policy === 'never') return { promote: false, reason: 'promotion disabled (--promote never)' };
  if (activeAuc === undefined) return { promote: true, reason: `nothing to compare (${note}): the candidate is promoted` };
  const delta = candidateAuc - activeAuc;
  return delta >= -options.tolerance
    ? { promote: true, reason: `not worse beyond the tolerance ${options.tolerance}` }
    : { promote: false, reason: `worse by ${(-delta).toFixed(4)} (> tolerance ${options.tolerance}); active version kept` };
}
