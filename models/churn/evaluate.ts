/**
 * Held-out evaluation of a churn model beside a one-feature baseline (recency, or tenure where there are no
 * transactions), in the figures an analyst asks for.
 */
import { bandTable, type BandRow, type RiskBands } from './bands.ts';
import { fitLogistic1D } from './calibration.ts';
import { brierScore, calibrationTable, liftByDecile, logLoss, prAuc, precisionRecallAtK, rocAuc, type CalibrationBin, type DecileRow } from './metrics.ts';
import type { FeatureTable } from './columns.ts';
import { predictTable, type LabelledTable } from './feature-table.ts';
import type { ChurnModel } from './model.ts';

export interface ScoreReport {
  roc_auc: number;
  pr_auc: number;
  log_loss: number;
  brier: number;
  calibration: CalibrationBin[];
  lift: DecileRow[];
  top_k: { k: number; precision: number; recall: number }[];
}

/** Shares of the held-out rows at which precision and recall are reported. */
export const TOP_K_SHARES = [0.05, 0.1, 0.2];

/**
 * Every figure for one set of probabilities.
 *
 * @example
 * scoreReport(model.predict(test.rows), test.labels).roc_auc;
 */
export function scoreReport(probabilities: Float64Array, labels: Float64Array): ScoreReport {
  return {
    roc_auc: rocAuc(probabilities, labels),
    pr_auc: prAuc(probabilities, labels),
    log_loss: logLoss(probabilities, labels),
    brier: brierScore(probabilities, labels),
    calibration: calibrationTable(probabilities, labels, { bins: 10 }),
    lift: liftByDecile(probabilities, labels),
    top_k: TOP_K_SHARES.map((share) => precisionRecallAtK(probabilities, labels, { k: Math.max(1, Math.round(share * labels.length)) })),
  };
}

/** Features tried, in order, as the single-feature baseline: recency where there are orders, else tenure. */
export const BASELINE_FEATURES = ['recency_days', 'tenure', 'tenure_days'];

export interface Baseline {
  feature: string;
  median: number;
  slope: number;
  intercept: number;
}

function numeric(table: FeatureTable, feature: string): Float64Array | undefined {
  const column = table.columns.find((c) => c.name === feature);
  return column?.kind === 'numeric' ? column.values : undefined;
}

const filled = (values: Float64Array, fill: number) => values.map((v) => (Number.isNaN(v) ? fill : v));

/**
 * A one-feature logistic regression on the first of BASELINE_FEATURES the rows have; undefined if none.
 *
 * @example
 * const baseline = fitBaseline(train); // { feature: 'tenure', ... }
 */
export function fitBaseline(data: LabelledTable): Baseline | undefined {
  const feature = BASELINE_FEATURES.find((f) => numeric(data.table, f)?.some((v) => !Number.isNaN(v)));
  if (!feature) return undefined;
  const values = numeric(data.table, feature)!;
  const present = values.filter((v) => !Number.isNaN(v)).sort();
  const median = present[present.length >> 1];
  return { feature, median, ...fitLogistic1D(filled(values, median), data.labels) };
}

/** Baseline probabilities for a table's rows (a table without the feature: every row at the median). */
export function predictBaseline(baseline: Baseline, table: FeatureTable): Float64Array {
  const values = numeric(table, baseline.feature) ?? new Float64Array(table.length).fill(NaN);
  return filled(values, baseline.median).map((x) => 1 / (1 + Math.exp(-(baseline.slope * x + baseline.intercept))));
}

export interface Evaluation extends ScoreReport {
  rows: number;
  positives: number;
  /** The model's risk bands on the held-out rows: each band's share, churn rate and lift. */
  bands: RiskBands & { table: BandRow[] };
  baseline?: { feature: string } & ScoreReport;
}

/**
 * The model and the baseline (fitted on `train`) scored on the held-out rows.
 *
 * @example
 * const evaluation = evaluate(model, { train, test });
 * console.log(evaluation.roc_auc, evaluation.baseline?.roc_auc);
 */
export function evaluate(model: ChurnModel, data: { train: LabelledTable; test: LabelledTable }): Evaluation {
  const { test } = data;
  const baseline = fitBaseline(data.train);
  const probabilities = predictTable(model, test.table);
  return {
    rows: test.labels.length,
    positives: test.labels.reduce((s, y) => s + y, 0),
    ...scoreReport(probabilities, test.labels),
    bands: { ...model.json.bands, table: bandTable(probabilities, test.labels, model.json.bands) },
    ...(baseline ? { baseline: { feature: baseline.feature, ...scoreReport(predictBaseline(baseline, test.table), test.labels) } } : {}),
  };
}
