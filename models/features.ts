import { resolveAsOf } from '../data/dates.ts';
import { buildFeatures, type FeatureOptions } from '../data/features.ts';
import type { Store } from '../data/store.ts';
import type { Engine } from './engine/types.ts';
import { sentimentFeatureSql } from './sentiment/feedback.ts';

/**
 * Customer features as of a cutoff, with the model-derived ones joined in when they exist: the sentiment
 * features once feedback has been scored (table feedback_scores). Training, backtests and scoring all build
 * features here, so a model always sees the same columns at training and at scoring time. `engine` says where
 * the transaction features are computed (models/engine); the store's own DuckDB by default.
 *
 * @example
 * const asOf = await buildCustomerFeatures(store, { asOf: '2026-01-01', table: 'backtest_features' });
 */
export async function buildCustomerFeatures(store: Store, options: Omit<FeatureOptions, 'extraSources'> & { engine?: Engine } = {}): Promise<string> {
  const { engine, ...featureOptions } = options;
  const asOf = await resolveAsOf(store, featureOptions.asOf, engine && ((s) => engine.defaultAsOf(s)));
  // Counts are 0, not unknown, for customers who never wrote: "no feedback" is a fact the models can use.
  const sentiment = `SELECT c.customer_id, s.* EXCLUDE (customer_id, feedback_count, negative_feedback_count),
      coalesce(s.feedback_count, 0) AS feedback_count, coalesce(s.negative_feedback_count, 0) AS negative_feedback_count
    FROM customers c LEFT JOIN (${sentimentFeatureSql(asOf)}) s USING (customer_id)`;
  const extraSources = (await store.has('feedback_scores')) ? [sentiment] : [];
  // Without an engine, the store's own DuckDB (models/engine/duckdb.ts is the same function).
  return engine ? engine.buildFeatures(store, { ...featureOptions, asOf, extraSources }) : buildFeatures(store, { ...featureOptions, asOf, extraSources });
}
