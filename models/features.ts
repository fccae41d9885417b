import { buildFeatures, checkDate, defaultAsOf, type FeatureOptions } from '../data/features.ts';
import type { Store } from '../data/store.ts';
import { sentimentFeatureSql } from './sentiment/feedback.ts';

/**
 * Customer features as of a cutoff, with the model-derived ones joined in when they exist: the sentiment
 * features once feedback has been scored (table feedback_scores). Training, backtests and scoring all build
 * features here, so a model always sees the same columns at training and at scoring time.
 *
 * @example
 * const asOf = await buildCustomerFeatures(store, { asOf: '2026-01-01', table: 'backtest_features' });
 */
export async function buildCustomerFeatures(store: Store, options: Omit<FeatureOptions, 'extraSources'> = {}): Promise<string> {
  const asOf = checkDate(options.asOf ?? (await defaultAsOf(store)));
  const extraSources = (await store.has('feedback_scores')) ? [sentimentFeatureSql(asOf)] : [];
  return buildFeatures(store, { ...options, asOf, extraSources });
}
