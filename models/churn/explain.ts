/**
 * Why a score is what it is: global permutation importance (AUC lost when one raw feature is shuffled on the
 * held-out rows) and, per customer, each feature's contribution in log-odds, turned into percentage points of
 * churn probability and phrased for a retention team ("no order for 143 days: +18 points").
 * - trees: exact TreeSHAP contributions (gbdt/shap.ts), which sum to the margin minus the expected margin;
 * - networks: the margin minus the margin with that feature typical (numbers: the training median; categories:
 *   the share-weighted mean over levels, so the most common level can still be a reason); for a logistic member
 *   in closed form;
 * - a blend: the mean of its members' contributions, as its margin is the mean of theirs.
 * Points: contributions are scaled by the slope of the calibrated probability between the margin with no
 * contributions and the customer's own, so a customer's points add up to their risk minus that starting risk.
 * Never a reason: a missing value (a customer without feedback has no feedback reason), a protected feature.
 */
import { logit, type Member } from './candidates.ts';
import { applyCalibrator } from './calibration.ts';
import { columnsAs, type FeatureRow, type FeatureTable, type FeatureValue } from './columns.ts';
import { tableRows } from './feature-table.ts';
import type { RawColumn } from './gbdt/bins.ts';
import type { ChurnModel } from './model.ts';
import { rocAuc } from './metrics.ts';
import { columnWidths, OTHER_LEVEL, transform, type Column } from './preprocess.ts';
import { forward } from './network.ts';
import { isProtected } from './protected.ts';
import { reasonSentence } from './reason-words.ts';
import { seededRandom, shuffleInPlace } from './random.ts';

export interface FeatureImportance {
  feature: string;
  /** Held-out AUC minus the AUC with this feature shuffled (mean over repeats). */
  aucDrop: number;
}

export interface ImportanceOptions {
  /** Shuffles per feature. */
  repeats?: number;
  seed?: number;
}

/**
 * Permutation importance on held-out rows (a bounded sample: it is predicted whole), largest drop first. Only
 * the shuffled column is copied; the others are shared.
 *
 * @example
 * permutationImportance(model, test.table, test.labels, { repeats: 3, seed: 1 })[0]; // { feature: 'contract', aucDrop: 0.06 }
 */
export function permutationImportance(model: ChurnModel, table: FeatureTable, labels: Float64Array, options: ImportanceOptions = {}): FeatureImportance[] {
  const repeats = options.repeats ?? 3;
  const next = seededRandom(options.seed ?? 1);
  const baseline = rocAuc(model.predictTable(table), labels);
  return model.json.features
    .map(({ name }) => {
      const at = table.columns.findIndex((c) => c.name === name);
      let drop = 0;
      for (let r = 0; r < repeats; r++) {
        const order = shuffleInPlace(Int32Array.from({ length: table.length }, (_, i) => i), next);
        // A column the rows lack is missing everywhere, shuffled or not.
        if (at < 0) continue;
        const column = table.columns[at];
        const shuffled: RawColumn = column.kind === 'numeric' ? { ...column, values: Float64Array.from(order, (i) => column.values[i]) } : { ...column, values: Array.from(order, (i) => column.values[i]) };
        drop += baseline - rocAuc(model.predictTable({ length: table.length, columns: table.columns.map((c, j) => (j === at ? shuffled : c)) }), labels);
      }
      return { feature: name, aucDrop: drop / repeats };
    })
    .sort((a, b) => b.aucDrop - a.aucDrop);
}

export interface Reason {
  feature: string;
  value: FeatureValue;
  /** The typical (training median) value of a number feature, which the words may set the value against. */
  reference: number | null;
  /** Change in churn probability this feature accounts for (0.18 = 18 points). */
  contribution: number;
  /** In English (reason-words.ts words it in other languages from the fields above). */
  text: string;
}

/** Features whose reasons come first when they carry signal: what the customer did, which outreach can address. */
export const BEHAVIOURAL_FEATURES = new Set([
  'recency_days', 'frequency', 'monetary', 'spend_trend', 'return_rate', 'mean_days_between_orders', 'avg_order_value',
  'orders_30d', 'orders_90d', 'orders_180d', 'spend_30d', 'spend_90d', 'spend_180d', 'spend_prior_90d',
  'negative_feedback_count', 'negative_share', 'sentiment_latest', 'sentiment_mean', 'sentiment_trend', 'days_since_negative',
]);

export interface ExplainOptions {
  /** Reasons per customer. */
  top?: number;
  /** A reason must add at least this many points of churn probability. */
  minPoints?: number;
  /** A behavioural reason adding at least this many points comes before any other. */
  signalPoints?: number;
}

export const EXPLAIN_DEFAULTS: Required<ExplainOptions> = { top: 3, minPoints: 0.5, signalPoints: 1 };

/** A network member's contributions: its margin minus the margin with each feature typical. */
function networkContributions(member: Extract<Member, { network: unknown }>, rows: FeatureRow[], out: Float64Array, index: Map<string, number>, weight: number): void {
  const F = index.size;
  const margins = (input: FeatureRow[]) => forward(member.network, transform(member.preprocessor, input, member.network.inputs)).map(logit);
  const base = margins(rows);
  const typicalMargins = (column: Column): Float64Array => {
    const withValue = (value: FeatureValue) => margins(rows.map((row) => ({ ...row, [column.name]: value })));
    if (column.kind === 'numeric') return withValue(column.median);
    const mean = new Float64Array(rows.length);
    [...column.levels, OTHER_LEVEL].forEach((level, l) => {
      if (column.shares[l] > 0) withValue(level).forEach((m, i) => (mean[i] += column.shares[l] * m));
    });
    return mean;
  };
  for (const column of member.preprocessor.columns) {
    const f = index.get(column.name);
    if (f === undefined) continue;
    const typical = typicalMargins(column);
    for (let i = 0; i < rows.length; i++) out[i * F + f] += weight * (base[i] - typical[i]);
  }
}

/**
 * A logistic member's contributions, the same as networkContributions gives (except where a margin reaches the
 * clip of saved networks' probabilities, |margin| > 16, where this one stays exact), in closed form: its margin is
 * linear in the encoded inputs, and a feature's inputs are its own, so the margin minus the margin with the
 * feature typical is the feature's weights times its inputs minus the typical value's inputs (for a category,
 * the share-weighted mean of the levels' inputs, the shares summing to 1). One encoding of the rows instead of
 * one forward pass per feature and level, which was most of the scoring time at a million customers.
 */
function logisticContributions(member: Extract<Member, { network: unknown }>, rows: FeatureRow[], out: Float64Array, index: Map<string, number>, weight: number): void {
  const { preprocessor, network } = member;
  const F = index.size;
  const kernel = network.layers[0].kernel;
  const x = transform(preprocessor, rows, network.inputs);
  const widths = columnWidths(preprocessor, network.inputs);
  const encodedAt = (row: FeatureRow, from: number, width: number) => transform(preprocessor, [row], network.inputs).data.subarray(from, from + width);
  let from = 0;
  preprocessor.columns.forEach((column, c) => {
    const width = widths[c];
    const f = index.get(column.name);
    if (f !== undefined) {
      // The weights times the typical value's inputs: the part of the margin the typical value gives.
      let typical = 0;
      if (column.kind === 'numeric') {
        const inputs = encodedAt({ [column.name]: column.median }, from, width);
        for (let j = 0; j < width; j++) typical += kernel[from + j] * inputs[j];
      } else {
        [...column.levels, OTHER_LEVEL].forEach((level, l) => {
          const inputs = encodedAt({ [column.name]: level }, from, width);
          for (let j = 0; j < width; j++) typical += column.shares[l] * kernel[from + j] * inputs[j];
        });
      }
      for (let i = 0; i < rows.length; i++) {
        let own = 0;
        for (let j = 0; j < width; j++) own += kernel[from + j] * x.data[i * x.cols + from + j];
        out[i * F + f] += weight * (own - typical);
      }
    }
    from += width;
  });
}

/**
 * Log-odds contributions of every model feature for every row (rows x features, in `model.json.features`
 * order), and the model's margin per row.
 *
 * @example
 * const { values, margins } = contributions(model, rows);
 */
export function contributions(model: ChurnModel, rows: FeatureRow[]): { values: Float64Array; margins: Float64Array } {
  return tableContributions(model, model.tableOf(rows));
}

/**
 * `contributions` of a table's rows. Trees read the columns; row objects are made only for a network member
 * (its encoder reads rows), so scoring a tree model makes none.
 */
export function tableContributions(model: ChurnModel, table: FeatureTable): { values: Float64Array; margins: Float64Array } {
  const features = model.json.features.map((f) => f.name);
  const index = new Map(features.map((name, f) => [name, f]));
  const F = features.length;
  const n = table.length;
  const values = new Float64Array(n * F);
  const { members } = model.json;
  const weight = 1 / members.length;
  let rows: FeatureRow[] | undefined;
  members.forEach((member, m) => {
    if (member.kind !== 'gbdt') {
      const linear = member.network.layers.length === 1;
      rows ??= tableRows(table);
      return (linear ? logisticContributions : networkContributions)(member, rows, values, index, weight);
    }
    const booster = model.booster(m)!;
    const { phi } = booster.contributions(columnsAs(table, member.columns), n);
    const order = booster.features.map((name) => index.get(name));
    const B = order.length;
    for (let i = 0; i < n; i++) for (let b = 0; b < B; b++) if (order[b] !== undefined) values[i * F + order[b]!] += weight * phi[i * B + b];
  });
  const memberMargins = model.memberMargins(table);
  const margins = new Float64Array(n);
  for (const mm of memberMargins) for (let i = 0; i < n; i++) margins[i] += weight * mm[i];
  return { values, margins };
}

const isMissingValue = (v: FeatureValue | undefined) => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));

/**
 * Per-customer reasons: the features that add the most churn probability, in words with their direction and
 * size. Behavioural reasons with signal come first; missing values and protected features never appear.
 *
 * @example
 * explain(model, [row])[0]; // [{ feature: 'recency_days', text: 'no order for 143 days: +18 points', contribution: 0.18, ... }]
 */
export function explain(model: ChurnModel, rows: FeatureRow[], options: ExplainOptions = {}): Reason[][] {
  return explainTable(model, model.tableOf(rows), options);
}

/** `explain` for a table's rows (a scoring batch: no row objects for a tree model). */
export function explainTable(model: ChurnModel, table: FeatureTable, options: ExplainOptions = {}): Reason[][] {
  // An option given as undefined (passed through from a caller's own options) keeps its default.
  const settings = {
    top: options.top ?? EXPLAIN_DEFAULTS.top,
    minPoints: options.minPoints ?? EXPLAIN_DEFAULTS.minPoints,
    signalPoints: options.signalPoints ?? EXPLAIN_DEFAULTS.signalPoints,
  };
  const features = model.json.features;
  const F = features.length;
  const { values, margins } = tableContributions(model, table);
  const calibrate = (m: number) => applyCalibrator(model.json.calibrator, Float64Array.of(1 / (1 + Math.exp(-m))))[0];
  const hidden = features.map((f) => isProtected(f.name, model.json.protected.words) || model.json.protected.columns.includes(f.name));
  const columns = features.map((f) => table.columns.find((c) => c.name === f.name));
  return Array.from({ length: table.length }, (_, i) => {
    let total = 0;
    for (let f = 0; f < F; f++) total += values[i * F + f];
    const p = 1 / (1 + Math.exp(-margins[i]));
    const secant = Math.abs(total) > 1e-9 ? (calibrate(margins[i]) - calibrate(margins[i] - total)) / total : 0;
    // A flat stretch of isotonic calibration has no slope: fall back to the logistic curve's own.
    const slope = secant > 0 ? secant : p * (1 - p);
    const reasons: (Reason & { behavioural: boolean; points: number })[] = [];
    for (let f = 0; f < F; f++) {
      const { name } = features[f];
      const value = columns[f]?.values[i];
      const points = 100 * values[i * F + f] * slope;
      if (hidden[f] || isMissingValue(value) || points < settings.minPoints) continue;
      const behavioural = BEHAVIOURAL_FEATURES.has(name) && points >= settings.signalPoints;
      const text = reasonSentence(name, value as number | string, features[f].median ?? null, points);
      const median = features[f].median;
      reasons.push({ feature: name, value: value as FeatureValue, reference: typeof median === 'number' ? median : null, contribution: points / 100, text, behavioural, points });
    }
    return reasons
      .sort((a, b) => Number(b.behavioural) - Number(a.behavioural) || b.points - a.points)
      .slice(0, settings.top)
      .map(({ feature, value, reference, contribution, text }) => ({ feature, value, reference, contribution, text }));
  });
}
