/**
 * Why a score is what it is: global permutation importance (AUC lost when one raw feature is shuffled on the
 * held-out rows) and, per customer, the features that push the risk up the most compared with a typical value
 * (training median, or the mix of levels of an average customer), phrased for an analyst.
 */
import type { ChurnModel } from './model.ts';
import { rocAuc } from './metrics.ts';
import { OTHER_LEVEL, type Column, type FeatureRow, type FeatureValue } from './preprocess.ts';
import { seededRandom, shuffleInPlace } from './random.ts';

export interface FeatureImportance {
  feature: string;
  /** Held-out AUC minus the AUC with this feature shuffled (mean over repeats). */
  aucDrop: number;
}

/**
 * Permutation importance on held-out rows, largest drop first.
 *
 * @example
 * permutationImportance(model, test.rows, test.labels, { repeats: 3, seed: 1 })[0]; // { feature: 'contract', aucDrop: 0.06 }
 */
export function permutationImportance(model: ChurnModel, rows: FeatureRow[], labels: Float64Array, options: { repeats?: number; seed?: number } = {}): FeatureImportance[] {
  const repeats = options.repeats ?? 3;
  const next = seededRandom(options.seed ?? 1);
  const baseline = rocAuc(model.predict(rows), labels);
  return model.json.preprocessor.columns
    .map(({ name }) => {
      let drop = 0;
      for (let r = 0; r < repeats; r++) {
        const order = shuffleInPlace(Int32Array.from(rows.keys()), next);
        const shuffled = rows.map((row, i) => ({ ...row, [name]: rows[order[i]][name] ?? null }));
        drop += baseline - rocAuc(model.predict(shuffled), labels);
      }
      return { feature: name, aucDrop: drop / repeats };
    })
    .sort((a, b) => b.aucDrop - a.aucDrop);
}

export interface Reason {
  feature: string;
  value: FeatureValue;
  /** Predicted risk minus the risk with this feature typical (positive = pushes risk up). */
  contribution: number;
  text: string;
}

/**
 * spend_trend is (last 90 days - prior 90) / (|last| + |prior|) (data/features.ts); for non-negative spend that
 * is a change of 2t / (1 - t) against the prior quarter.
 */
function spendTrendText(t: number): string {
  if (t <= -0.995) return 'stopped spending vs prior quarter';
  if (t >= 0.995) return 'new spending this quarter';
  const change = (2 * t) / (1 - t);
  return `spend ${change < 0 ? 'down' : 'up'} ${Math.round(Math.abs(change) * 100)}% vs prior quarter`;
}

const round = (v: number) => (Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 10) / 10);
const words = (name: string) => name.replaceAll('_', ' ');

/**
 * Says a feature value in an analyst's words. Known feature names get a sentence; other numbers are set against
 * the typical (median) customer, categories are said as "<value> <feature>", 0/1 flags as "<feature>"/"no <feature>".
 *
 * @example
 * describeFeature('recency_days', 143, 20); // 'no order for 143 days'
 * describeFeature('contract', 'Month-to-month', 'Two year'); // 'Month-to-month contract'
 */
export function describeFeature(feature: string, value: FeatureValue, reference: FeatureValue): string {
  if (value === null || value === undefined) return `${words(feature)} unknown`;
  if (typeof value === 'string') return `${value} ${words(feature)}`;
  const known: Record<string, (v: number) => string> = {
    recency_days: (v) => `no order for ${Math.round(v)} days`,
    frequency: (v) => `${Math.round(v)} order${Math.round(v) === 1 ? '' : 's'} in total`,
    tenure_days: (v) => `customer for ${Math.round(v)} days`,
    tenure: (v) => `customer for ${Math.round(v)} months`,
    mean_days_between_orders: (v) => (v < 1 ? 'orders less than a day apart on average' : `orders every ${Math.round(v)} days on average`),
    spend_trend: spendTrendText,
    return_rate: (v) => `${Math.round(v * 100)}% of orders returned`,
    // The feedback features of models/sentiment/feedback.ts.
    negative_feedback_count: (v) => `${Math.round(v)} negative review${Math.round(v) === 1 ? '' : 's'}`,
    negative_share: (v) => `${Math.round(v * 100)}% of feedback negative`,
    sentiment_latest: (v) => (v < 0 ? 'latest feedback negative' : 'latest feedback not positive'),
    sentiment_mean: (v) => `feedback tone ${v < -0.2 ? 'negative' : v < 0.2 ? 'mixed' : 'positive'} on average`,
    days_since_negative: (v) => `negative feedback ${Math.round(v)} days ago`,
    sentiment_trend: (v) => `feedback tone ${v < 0 ? 'worsening' : 'improving'} lately`,
  };
  if (known[feature]) return known[feature](value);
  const typical = typeof reference === 'number' ? ` (typical ${round(reference)})` : '';
  const window = /^(orders|spend)_(prior_)?(\d+)d$/.exec(feature);
  if (window) {
    const [, what, prior, days] = window;
    const when = prior ? `the ${days} days before the last ${days}` : `the last ${days} days`;
    if (what === 'orders') return value === 0 ? `no orders in ${when}` : `${Math.round(value)} orders in ${when}${typical}`;
    return `spent ${round(value)} in ${when}${typical}`;
  }
  if ((value === 0 || value === 1) && (reference === 0 || reference === 1)) return value ? words(feature) : `no ${words(feature)}`;
  return `${words(feature)} ${round(value)}${typical}`;
}

/**
 * Risk of each row had this feature been typical: the training median for a number; for a category, the
 * share-weighted mean over its levels (comparing against the most frequent level would make that level,
 * often the risky one, never a reason).
 */
function typicalRisk(model: ChurnModel, rows: FeatureRow[], column: Column): Float64Array {
  const withValue = (value: FeatureValue) => model.predict(rows.map((row) => ({ ...row, [column.name]: value })));
  if (column.kind === 'numeric') return withValue(column.median);
  const mean = new Float64Array(rows.length);
  [...column.levels, OTHER_LEVEL].forEach((level, l) => {
    if (column.shares[l] > 0) withValue(level).forEach((p, i) => (mean[i] += column.shares[l] * p));
  });
  return mean;
}

/**
 * Per-customer reasons: for each raw feature, predicted risk minus the risk with that feature typical; the `top`
 * largest positive differences, in words.
 *
 * @example
 * explain(model, [row], { top: 3 })[0]; // [{ feature: 'contract', text: 'Month-to-month contract', contribution: 0.21, ... }]
 */
export function explain(model: ChurnModel, rows: FeatureRow[], options: { top?: number } = {}): Reason[][] {
  const top = options.top ?? 3;
  const base = model.predict(rows);
  const candidates: Reason[][] = rows.map(() => []);
  for (const column of model.json.preprocessor.columns) {
    const typical = typicalRisk(model, rows, column);
    const reference = column.kind === 'numeric' ? column.median : null;
    rows.forEach((row, i) => {
      const contribution = base[i] - typical[i];
      if (contribution > 1e-4) {
        const value = row[column.name] ?? null;
        candidates[i].push({ feature: column.name, value, contribution, text: describeFeature(column.name, value, reference) });
      }
    });
  }
  return candidates.map((reasons) => reasons.sort((a, b) => b.contribution - a.contribution).slice(0, top));
}
