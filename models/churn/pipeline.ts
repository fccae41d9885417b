/**
 * The churn stage end to end, as the CLI and the server run it: build the dataset for the label kind, evaluate
 * on a held-out split (stratified for explicit labels, out-of-time for behavioural), optionally cross-validate,
 * refit on every labelled row, score everyone and write `customer_churn`.
 */
import { badInput } from '../../data/errors.ts';
import { checkHeap } from '../heap-guard.ts';
import type { Store } from '../../data/store.ts';
import { writeClv, type ClvRun } from '../clv/index.ts';
import type { Engine } from '../engine/types.ts';
import { resolveAsOf, shiftDate } from '../../data/dates.ts';
import { behaviouralDataset, behaviouralScoring, explicitDataset, hasTransactions, type LabelKind, type Scoring } from './dataset.ts';
import { evaluate, type Evaluation } from './evaluate.ts';
import type { FeatureImportance } from './explain.ts';
import { ModelThreads, workersFor } from './model-threads.ts';
import { rocAuc } from './metrics.ts';
import { takeLabelled, toDataset, type LabelledTable } from './feature-table.ts';
import { refitChosen, subset, train, type ChurnModel, type Dataset, type TrainOptions } from './model.ts';
import { stratifiedFolds, stratifiedSplit } from './random.ts';
import { expectedValues, scoreCustomers, writeChurnTable } from './score.ts';

export interface ChurnStageOptions {
  label?: LabelKind;
  /** Behavioural labels: days without a purchase that count as churn. */
  horizonDays?: number;
  /** Scoring date 'YYYY-MM-DD' (exclusive); default the day after the last transaction. */
  asOf?: string;
  /** Stratified folds for cross-validated ROC-AUC; 0 skips it. */
  cvFolds?: number;
  /** Held-out share for the explicit split. */
  testFraction?: number;
  seed?: number;
  train?: TrainOptions;
  /**
   * The lifetime-value run of the same date, for expected value (null: none could be fitted). When absent the
   * stage fits it itself (and writes `customer_clv`), so `tierlab churn train` and a retrain value customers the
   * same way and rank them the same.
   */
  clv?: ClvRun | null;
  /** Where backtest features and labels are computed (models/engine); default the store's own DuckDB. */
  engine?: Engine;
  /**
   * A table of customer features this run already built as of `asOf` (a retrain's features stage writes
   * `customer_features`): scoring reads it instead of building the same million rows again.
   */
  scoringFeatures?: string;
  /**
   * Above this many labelled rows, each model is trained on a stratified sample of this many (the held-out
   * evaluation still predicts every held-out row, and everyone is scored). Every candidate and blend is
   * cross-validated on the training rows, so training time and memory grow with them; see README "Scaling" for
   * the measured effect on held-out ROC-AUC.
   */
  maxTrainRows?: number;
  /**
   * Above this many held-out rows the evaluation (and the promotion gate's comparison with the active version)
   * predicts a stratified sample of this many: at 200,000 rows the held-out ROC-AUC's standard error is about
   * 0.001, a tenth of the promotion tolerance, while a million customers have over 600,000 held-out rows.
   */
  maxEvaluationRows?: number;
  /** Permutation importance is measured on at most this many held-out rows (a stratified sample). */
  maxImportanceRows?: number;
  /** Called as each step of the stage ends (`part` names it), with the wall and CPU seconds since the stage began. */
  onProgress?: (part: string, detail: { elapsedS: number; cpuS: number; [key: string]: unknown }) => void;
}

export const STAGE_DEFAULTS = { label: 'explicit' as LabelKind, horizonDays: 90, cvFolds: 0, testFraction: 0.2, seed: 42, maxTrainRows: 50_000, maxEvaluationRows: 200_000, maxImportanceRows: 20_000 };

const LABEL_KINDS: readonly LabelKind[] = ['explicit', 'behavioural'];

/**
 * The stage's settings: the options over the defaults (an option left undefined keeps its default), checked
 * once. A retrain calls it before its first stage, so a bad horizon fails at once and is never recorded.
 *
 * @example
 * churnStageSettings({ horizonDays: 0 }); // throws: horizonDays must be a whole number of days >= 1, got 0
 */
export function churnStageSettings(options: ChurnStageOptions = {}): typeof STAGE_DEFAULTS & ChurnStageOptions {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as ChurnStageOptions;
  const settings = { ...STAGE_DEFAULTS, ...given };
  if (!LABEL_KINDS.includes(settings.label)) throw badInput(`label must be ${LABEL_KINDS.join(' or ')}, got "${settings.label}"`, { field: 'label' });
  if (!Number.isInteger(settings.horizonDays) || settings.horizonDays < 1) {
    throw badInput(`horizonDays must be a whole number of days >= 1, got ${settings.horizonDays}`, { field: 'horizonDays' });
  }
  if (settings.cvFolds !== 0 && (!Number.isInteger(settings.cvFolds) || settings.cvFolds < 2)) {
    throw badInput(`cvFolds must be 0 (none) or a whole number >= 2, got ${settings.cvFolds}`, { field: 'cvFolds' });
  }
  if (!(settings.testFraction > 0 && settings.testFraction < 1)) throw badInput(`testFraction must be between 0 and 1, got ${settings.testFraction}`, { field: 'testFraction' });
  return settings;
}

/** A backtest needs a few rows of each class to say anything. */
const MIN_CLASS_ROWS = 10;

function checkClasses(data: { labels: Float64Array }, what: string): void {
  const positives = data.labels.reduce((s, y) => s + y, 0);
  if (positives < MIN_CLASS_ROWS || data.labels.length - positives < MIN_CLASS_ROWS) {
    throw badInput((o) => `${what}: ${positives} churned and ${data.labels.length - positives} retained customers; need at least ${MIN_CLASS_ROWS} of each (without a churned column, try ${o.named('label', 'behavioural')})`);
  }
}

/**
 * ROC-AUC over K stratified folds; `train` refits the preprocessing inside every fold.
 *
 * @example
 * const { mean, std } = await crossValidate(data, { k: 5, seed: 42 });
 */
export async function crossValidate(data: Dataset, options: { k: number; seed: number; train?: TrainOptions }): Promise<{ folds: number[]; mean: number; std: number }> {
  const fold = stratifiedFolds(data.labels, { k: options.k, seed: options.seed });
  const folds: number[] = [];
  for (let f = 0; f < options.k; f++) {
    const inFold = (want: boolean) => Array.from(fold.keys()).filter((i) => (fold[i] === f) === want);
    const test = subset(data, inFold(true));
    const model = await train(subset(data, inFold(false)), { seed: options.seed, ...options.train });
    folds.push(rocAuc(model.predict(test.rows), test.labels));
  }
  const mean = folds.reduce((s, v) => s + v, 0) / folds.length;
  const std = Math.sqrt(folds.reduce((s, v) => s + (v - mean) ** 2, 0) / folds.length);
  return { folds, mean, std };
}

/** A stratified sample of `max` rows (the class shares kept), or all of `data` when it is no larger. */
export function stratifiedSample(data: LabelledTable, max: number, seed: number): LabelledTable {
  if (data.labels.length <= max) return data;
  return takeLabelled(data, stratifiedSplit(data.labels, { testFraction: max / data.labels.length, seed }).test);
}

/** Left-over rows below this many (or with fewer than MIN_CLASS_ROWS of a class) cannot calibrate a refit. */
const MIN_CALIBRATION_ROWS = 1000;

/**
 * The final model's rows: the stratified training sample (as `stratifiedSample` picks it) and, when the labelled
 * rows outnumber the sample enough, a stratified sample of the rows left out, of at most `max`, to calibrate a
 * refit that reuses the evaluation model's choice. Without them the final model is trained with its own choice.
 */
export function finalRows(data: LabelledTable, max: number, seed: number): { fit: LabelledTable; calibration?: LabelledTable } {
  if (data.labels.length <= max) return { fit: data };
  const split = stratifiedSplit(data.labels, { testFraction: max / data.labels.length, seed });
  const fit = takeLabelled(data, split.test);
  const rest = takeLabelled(data, split.train);
  const positives = rest.labels.reduce((s, y) => s + y, 0);
  if (rest.labels.length < MIN_CALIBRATION_ROWS || Math.min(positives, rest.labels.length - positives) < MIN_CLASS_ROWS) return { fit };
  return { fit, calibration: stratifiedSample(rest, max, seed + 1) };
}

export interface HeldOut {
  split: string;
  train: LabelledTable;
  test: LabelledTable;
  /** Rows the final model is refitted on. */
  all: LabelledTable;
  score: Scoring;
}

async function explicitHeldOut(store: Store, settings: typeof STAGE_DEFAULTS & ChurnStageOptions): Promise<HeldOut> {
  const { train: all, score } = await explicitDataset(store, { asOf: settings.asOf, engine: settings.engine, built: settings.scoringFeatures });
  checkClasses(all, 'explicit labels (customers.churned)');
  const split = stratifiedSplit(all.labels, { testFraction: settings.testFraction, seed: settings.seed });
  return { split: `stratified ${1 - settings.testFraction}/${settings.testFraction}, seed ${settings.seed}`, train: takeLabelled(all, split.train), test: takeLabelled(all, split.test), all, score };
}

/**
 * Out of time: a model trained at T - 2H (labels [T-2H, T-H)) is tested at T - H (labels [T-H, T)); the final
 * model is refitted at T - H and scores everyone at T.
 */
async function behaviouralHeldOut(store: Store, settings: typeof STAGE_DEFAULTS & ChurnStageOptions): Promise<HeldOut> {
  const engine = settings.engine;
  const asOf = await resolveAsOf(store, settings.asOf, engine && ((s) => engine.defaultAsOf(s)));
  const h = settings.horizonDays;
  const all = await behaviouralDataset(store, { cutoff: shiftDate(asOf, -h), horizonDays: h, engine });
  checkClasses(all, `behavioural labels at ${shiftDate(asOf, -h)} + ${h} days`);
  const earlier = await behaviouralDataset(store, { cutoff: shiftDate(asOf, -2 * h), horizonDays: h, engine });
  return {
    split: `out-of-time: train at ${shiftDate(asOf, -2 * h)}, test at ${shiftDate(asOf, -h)}, horizon ${h} days`,
    train: earlier,
    test: all,
    all,
    score: await behaviouralScoring(store, { asOf, engine, built: settings.scoringFeatures }),
  };
}

export interface ChurnStageResult {
  model: ChurnModel;
  label: LabelKind;
  /** Behavioural labels' horizon, as used (the default when none was given). */
  horizonDays: number;
  split: string;
  evaluation: Evaluation;
  importance: FeatureImportance[];
  selection: ChurnModel['json']['selection'];
  backend: string;
  trainMs: number;
  cv?: { folds: number[]; mean: number; std: number };
  scored: number;
  expectedValueSource: string;
  /** The model fitted on the training split only: the one the held-out figures are about. */
  evalModel: ChurnModel;
  /** The held-out rows, so another model (the active version's) can be compared on the same rows. */
  test: LabelledTable;
}

/** The lifetime-value fit as a retrain makes it; null when the data cannot support one (too little repeat buying). */
async function lifetimeValue(store: Store, asOf: string): Promise<ClvRun | null> {
  if (!(await hasTransactions(store))) return null;
  try {
    return await writeClv(store, { asOf });
  } catch {
    return null;
  }
}

/**
 * Trains, evaluates and scores; writes `customer_churn` and refreshes `customer_analytics`.
 *
 * @example
 * const result = await runChurnStage(store, { label: 'behavioural', horizonDays: 90, cvFolds: 5 });
 * console.log(result.evaluation.roc_auc);
 */
export async function runChurnStage(store: Store, options: ChurnStageOptions = {}): Promise<ChurnStageResult> {
  const settings = churnStageSettings(options);
  const trainOptions = { seed: settings.seed, ...settings.train };
  const heldOut = settings.label === 'behavioural' ? await behaviouralHeldOut(store, settings) : await explicitHeldOut(store, settings);
  checkClasses(heldOut.train, `training rows (${heldOut.split})`);
  const customers = heldOut.score.ids.length;
  const stageStart = performance.now();
  const cpuStart = process.cpuUsage();
  // Each step's end is reported (wall and CPU seconds: on a shared machine the CPU time is the steadier figure)
  // and checked against the heap limit.
  const guard = (step: string, detail: Record<string, unknown> = {}) => {
    const { user, system } = process.cpuUsage(cpuStart);
    settings.onProgress?.(step, { elapsedS: Math.round((performance.now() - stageStart) / 100) / 10, cpuS: Math.round((user + system) / 1e5) / 10, ...detail });
    checkHeap({ stage: 'churn', step, customers });
  };
  guard('datasets built', { training: heldOut.train.labels.length, heldOut: heldOut.test.labels.length, scoring: customers });
  // Row objects only for the training sample: the full sets stay columnar.
  const sampleOf = (data: LabelledTable) => toDataset(stratifiedSample(data, settings.maxTrainRows, settings.seed));
  const started = performance.now();
  const evalModel = await train(sampleOf(heldOut.train), trainOptions);
  const trainMs = performance.now() - started;
  guard('evaluation model trained');
  const test = stratifiedSample(heldOut.test, settings.maxEvaluationRows, settings.seed);
  const evaluation = evaluate(evalModel, { train: heldOut.train, test });
  guard('evaluated', { rows: test.labels.length });
  const importanceRows = stratifiedSample(test, settings.maxImportanceRows, settings.seed);
  // At scale the evaluation model's importance is measured on a worker thread while this one fits the final model.
  const evalThreads = ModelThreads.start(evalModel, { workers: Math.min(1, workersFor(customers)) });
  let importance: FeatureImportance[];
  let model: ChurnModel;
  const final = finalRows(heldOut.all, settings.maxTrainRows, settings.seed);
  let cv: ChurnStageResult['cv'];
  try {
    const measuring = evalThreads.importance(importanceRows.table, importanceRows.labels, { seed: settings.seed });
    // Awaited below; this only keeps a failure from going unhandled while the refit runs.
    measuring.catch(() => undefined);
    cv = settings.cvFolds > 1 ? await crossValidate(sampleOf(heldOut.all), { k: settings.cvFolds, seed: settings.seed, train: trainOptions }) : undefined;
    model = final.calibration
      ? await refitChosen(toDataset(final.fit), evalModel, toDataset(final.calibration), trainOptions)
      : await train(toDataset(final.fit), trainOptions);
    guard('final model trained', { reusedChoice: Boolean(final.calibration) });
    importance = await measuring;
    guard('importance measured');
  } finally {
    await evalThreads.close();
  }
  const sampled = [heldOut.train, heldOut.all].some((d) => d.labels.length > settings.maxTrainRows);
  const split = [
    heldOut.split,
    ...(sampled ? [`each model trained on a stratified sample of at most ${settings.maxTrainRows} labelled rows`] : []),
    ...(final.calibration ? [`the final model refitted with the evaluation model's members and steps, calibrated on ${final.calibration.labels.length} labelled rows outside its sample`] : []),
    ...(test !== heldOut.test ? [`evaluated on a stratified sample of ${test.labels.length} of the ${heldOut.test.labels.length} held-out rows`] : []),
  ].join('; ');
  const clv = settings.clv !== undefined ? settings.clv : await lifetimeValue(store, heldOut.score.asOf);
  const expected = await expectedValues(store, { asOf: heldOut.score.asOf, clv });
  guard('expected values read');
  let batches = 0;
  const scored = await writeChurnTable(store, scoreCustomers(model, heldOut.score, expected.values, { onBatch: () => guard('scoring', { batch: ++batches }) }));
  guard('scores written', { scored });
  return {
    model,
    label: settings.label,
    horizonDays: settings.horizonDays,
    split,
    evaluation,
    importance,
    selection: model.json.selection,
    backend: model.json.backend,
    trainMs,
    cv,
    scored,
    expectedValueSource: expected.source,
    evalModel,
    test,
  };
}
