import { buildCustomerFeatures } from './features.ts';
import { buildCustomerPages } from '../data/customer-pages.ts';
import { resolveAsOf } from '../data/dates.ts';
import { TierlabError } from '../data/errors.ts';
import type { Store } from '../data/store.ts';
import { churnStageSettings, runChurnStage, type ChurnStageResult } from './churn/pipeline.ts';
import type { TrainOptions as ChurnTrainOptions } from './churn/model.ts';
import type { LabelKind } from './churn/dataset.ts';
import { loadCustomerTable, saveClusters, segmentCustomers, SEGMENT_DEFAULTS, type SegmentationResult, type SegmentOptions } from './clusters/index.ts';
import { writeClv, type ClvRun } from './clv/index.ts';
import type { LanguageSetting } from '../data/text-language.ts';
import { SentimentSet, scoreFeedbackTable, type ScoredFeedback } from './sentiment/index.ts';
import { duckdbEngine, type Engine } from './engine/index.ts';
import { type AppliedTierRules, type TierRules } from './tiers/index.ts';

export interface TrainOptions {
  /** Cutoff 'YYYY-MM-DD' (exclusive). Default: the day after the last transaction. */
  asOf?: string;
  /** Churn labels: explicit when customers carry a churn column, else behavioural. Default: chosen from the data. */
  label?: LabelKind;
  horizonDays?: number;
  tierRules?: TierRules;
  segment?: SegmentOptions;
  /** One language setting for all feedback, instead of each data set's own (auto when unrecorded). */
  language?: LanguageSetting;
  /** The sentiment models to score feedback with (the active bundle's); default the shipped pretrained ones. */
  sentiment?: SentimentSet;
  seed?: number;
  /** Churn training settings (candidates, epochs, ...); defaults in models/churn/model.ts. */
  churnTrain?: ChurnTrainOptions;
  onProgress?: (step: string, detail?: Record<string, unknown>) => void;
  signal?: AbortSignal;
  /**
   * Where the set work over transactions runs (features, tiers, churn backtests): models/engine. Default the
   * store's own DuckDB.
   */
  engine?: Engine;
}

/** Everything a version needs to reproduce its scores: the trained parts and the rules. */
export interface Bundle {
  format: 'tierlab-bundle';
  as_of: string;
  tiers: AppliedTierRules;
  segmentation: unknown;
  churn: unknown;
  /**
   * The churn model fitted on the training split only. It scores nobody; the next retrain compares its
   * candidate with it on rows neither was fitted on. Versions written before it was kept lack it.
   */
  churn_evaluation?: unknown;
  sentiment: unknown;
  clv: unknown;
}

export interface TrainResult {
  asOf: string;
  bundle: Bundle;
  /** Figures for the manifest and for comparing versions. */
  evaluation: {
    churn?: Pick<ChurnStageResult, 'label' | 'split' | 'evaluation' | 'importance' | 'selection' | 'trainMs' | 'expectedValueSource'> & {
      /** Why the churned column was not used as the label although some customers carry it. */
      labelWarning?: string;
    };
    /** The segmentation run without its per-customer arrays and its model (the model is in the bundle). */
    segmentation?: Omit<ReturnType<SegmentationResult['toJSON']>, 'scatter' | 'model'>;
    clv?: Pick<ClvRun, 'selection' | 'purchase' | 'gammaGamma' | 'customers'>;
    sentiment?: { scored: number; languages: ScoredFeedback['languages'] };
  };
  churn?: ChurnStageResult;
}

/** The training stages, in the order a run goes through them (a crashed run's lock names one). */
export const STEPS = ['sentiment', 'features', 'tiers', 'clv', 'segments', 'churn', 'pages'] as const;

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new TierlabError('failed', 'training was cancelled');
}

/**
 * Labelled customers needed in each class (churned and retained) before the `churned` column is used as the
 * label. Below it one stray `churned=true` row would switch training to explicit labels it cannot learn from
 * (every retrain then failed on "1 churned and 0 retained"); behavioural labels are used instead, with a warning.
 */
export const EXPLICIT_LABEL_MIN_PER_CLASS = 50;

/** Explicit labels when enough customers carry them, else behavioural, saying why. */
async function chooseLabel(store: Store): Promise<{ label: LabelKind; note?: string }> {
  const row = await store.one<{ churned: number; retained: number }>(
    `SELECT count(*) FILTER (WHERE churned) AS churned, count(*) FILTER (WHERE NOT churned) AS retained FROM customers`,
  );
  const churned = row?.churned ?? 0;
  const retained = row?.retained ?? 0;
  if (churned >= EXPLICIT_LABEL_MIN_PER_CLASS && retained >= EXPLICIT_LABEL_MIN_PER_CLASS) return { label: 'explicit' };
  if (churned + retained === 0) return { label: 'behavioural' };
  return {
    label: 'behavioural',
    note: `the churned column labels ${churned} churned and ${retained} retained customers; explicit labels need at least ${EXPLICIT_LABEL_MIN_PER_CLASS} of each, so behavioural labels were used`,
  };
}

/*
 * The stages below keep their per-customer arrays (the day lines, the clustering table and projection) in their
 * own frames, so those are garbage once the stage returns: kept in trainAll's frame they stayed alive through the
 * churn stage and the pages (about 300 MB at a million customers).
 */

/** Lifetime value fitted and written as of `asOf`; undefined when the data cannot support a fit. */
async function lifetimeValueStage(store: Store, asOf: string, engine: Engine, say: (step: string, detail?: Record<string, unknown>) => void): Promise<ClvRun | undefined> {
  try {
    const transactions = await engine.dayLines(store, { before: asOf });
    say('clv progress', { part: 'day lines read', lines: transactions.timesMs.length });
    const clv = await writeClv(store, { asOf, transactions, onProgress: (part, detail) => say('clv progress', { part, ...detail }) });
    if (clv.selection.warning) say('clv warning', { message: clv.selection.warning });
    return clv;
  } catch (error) {
    // Too little repeat buying (e.g. a subscription table with no transactions) is no reason to stop training.
    say('clv skipped', { reason: (error as Error).message });
    return undefined;
  }
}

/** Clusters fitted and written; the model for the bundle and the run's figures for the manifest. */
async function segmentStage(store: Store, options: SegmentOptions): Promise<{ model: unknown; report: NonNullable<TrainResult['evaluation']['segmentation']> }> {
  const table = await loadCustomerTable(store, options.features ?? [...SEGMENT_DEFAULTS.features]);
  const segmentation = segmentCustomers(table, options);
  await saveClusters(store, segmentation);
  const { scatter: _scatter, model, ...report } = segmentation.toJSON();
  return { model, report };
}

/**
 * The whole training run over the store, in data-flow order: score feedback, build features and tiers, fit
 * lifetime value, segment, train churn, write the customer pages. Each stage writes its per-customer table, so later stages read the
 * earlier ones (churn's value at risk uses CLV; clusters are compared with RFM segments).
 *
 * @example
 * const result = await trainAll(store, { onProgress: (step) => console.error(step) });
 */
export async function trainAll(store: Store, options: TrainOptions = {}): Promise<TrainResult> {
  const say = options.onProgress ?? (() => {});
  const engine = options.engine ?? duckdbEngine;
  // The churn stage's options are checked before the first stage runs: a bad horizon fails now, not after the others.
  churnStageSettings({ label: options.label, horizonDays: options.horizonDays, seed: options.seed });
  const asOf = await resolveAsOf(store, options.asOf, (s) => engine.defaultAsOf(s));
  const evaluation: TrainResult['evaluation'] = {};

  say('sentiment');
  const sentiment = options.sentiment ?? SentimentSet.shipped();
  const feedbackRows = (await store.one<{ n: number }>('SELECT count(*) AS n FROM feedback'))!.n;
  if (feedbackRows > 0) {
    const scored = await scoreFeedbackTable({ store, models: sentiment, language: options.language });
    evaluation.sentiment = { scored: scored.rows, languages: scored.languages };
  }
  checkAborted(options.signal);

  say('features', { asOf, engine: engine.name });
  await buildCustomerFeatures(store, { asOf, engine });
  say('tiers', { engine: engine.name });
  const tiers = await engine.buildTiers(store, options.tierRules);
  checkAborted(options.signal);

  say('clv');
  const clv = await lifetimeValueStage(store, asOf, engine, say);
  if (clv) evaluation.clv = { selection: clv.selection, purchase: clv.purchase, gammaGamma: clv.gammaGamma, customers: clv.customers };
  checkAborted(options.signal);

  say('segments');
  const segmentOptions = { ...(options.seed !== undefined && { seed: options.seed }), ...options.segment };
  const { model: segmentationModel, report: segmentationReport } = await segmentStage(store, segmentOptions);
  evaluation.segmentation = segmentationReport;
  checkAborted(options.signal);

  say('churn');
  const chosen = options.label ? { label: options.label } : await chooseLabel(store);
  if (chosen.note) say('churn labels', { warning: chosen.note });
  const label = chosen.label;
  const churn = await runChurnStage(store, {
    label,
    asOf,
    clv: clv ?? null,
    engine,
    scoringFeatures: 'customer_features',
    horizonDays: options.horizonDays,
    seed: options.seed,
    train: options.churnTrain,
    onProgress: (part, detail) => say('churn progress', { part, ...detail }),
  });
  const { model: _model, evalModel: _evalModel, cv: _cv, scored: _scored, backend: _backend, test: _test, ...churnReport } = churn;
  evaluation.churn = { ...churnReport, ...(chosen.note && { labelWarning: chosen.note }) };
  checkAborted(options.signal);

  // Last: every customer's page from what the stages wrote, so the server answers a lookup with one point query.
  say('pages');
  await buildCustomerPages(store, { onProgress: (percent) => say('pages', { message: `${percent}%` }) });

  return {
    asOf,
    bundle: {
      format: 'tierlab-bundle',
      as_of: asOf,
      tiers,
      segmentation: segmentationModel,
      churn: churn.model.json,
      churn_evaluation: churn.evalModel.json,
      sentiment: sentiment.toJSON(),
      clv: clv
        ? { purchaseModel: clv.purchase.model, purchase: clv.purchase.params, gammaGamma: clv.gammaGamma.params, unit: clv.unit, horizonMonths: clv.horizonMonths, discountRateAnnual: clv.discountRateAnnual }
        : null,
    },
    evaluation,
    churn,
  };
}
