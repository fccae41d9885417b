import { readFileSync } from 'node:fs';
import { refreshAnalyticsView } from '../../data/analytics.ts';
import { badInput } from '../../data/errors.ts';
import type { Store } from '../../data/store.ts';
import { DEFAULT_LIFECYCLE, lifecycleSql, type LifecycleOptions } from './lifecycle.ts';
import { computeCuts, DEFAULT_SEGMENT_RULES, scoreSql, segmentSql, type RfmCuts, type SegmentRule } from './rfm.ts';
import { abcSql, DEFAULT_VALUE_TIERS, valueTierSql, type ValueTierOptions } from './value.ts';

export { tierSummary } from './summary.ts';

/** What a rules file (`--rules FILE`, JSON) may override; anything left out keeps its default. */
export interface TierRules {
  cuts?: Partial<RfmCuts>;
  segments?: SegmentRule[];
  valueTiers?: Partial<ValueTierOptions>;
  lifecycle?: Partial<LifecycleOptions>;
}

/** The rules actually used, shown with every result. */
export interface AppliedTierRules {
  cuts: RfmCuts;
  cutsSource: 'quantiles' | 'rules file';
  segments: SegmentRule[];
  valueTiers: ValueTierOptions;
  lifecycle: LifecycleOptions;
}

export function readTierRules(file: string): TierRules {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw badInput(`cannot read rules file: ${(error as Error).message}`, { file });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badInput('rules file must hold a JSON object', { file });
  for (const [key, cuts] of Object.entries((parsed as TierRules).cuts ?? {})) {
    if (!Array.isArray(cuts) || cuts.length !== 4 || cuts.some((c, i) => typeof c !== 'number' || (i > 0 && c < cuts[i - 1]))) {
      throw badInput(`cuts.${key} must be four ascending numbers`, { file, field: `cuts.${key}` });
    }
  }
  return parsed as TierRules;
}

/**
 * The rules a run uses: the quantile cut points unless the rules file gives its own, and every default the rules
 * file leaves out. One place for both engines, so DuckDB and ClickHouse score by the same rules.
 */
export function applyTierRules(quantileCuts: RfmCuts, rules: TierRules = {}): AppliedTierRules {
  return {
    cuts: { ...quantileCuts, ...rules.cuts },
    cutsSource: rules.cuts && Object.keys(rules.cuts).length ? 'rules file' : 'quantiles',
    segments: rules.segments ?? DEFAULT_SEGMENT_RULES,
    valueTiers: { ...DEFAULT_VALUE_TIERS, ...rules.valueTiers },
    lifecycle: { ...DEFAULT_LIFECYCLE, ...rules.lifecycle },
  };
}

/** The `customer_rfm` rows in DuckDB: one per customer of `customer_features`. */
export function tierSql(applied: AppliedTierRules): string {
  const score = scoreSql(applied.cuts);
  return `
WITH totals AS (
  -- Whole-population figures once, not as window aggregates evaluated per row.
  SELECT sum(greatest(monetary, 0)) AS total_revenue,
         count(*) FILTER (WHERE frequency > 0) AS buyers,
         median(monetary) FILTER (WHERE frequency > 0) AS median_monetary
  FROM customer_features
),
scored AS (
  SELECT customer_id, recency_days, frequency, monetary, spend_trend, mean_days_between_orders, first_order_at, as_of,
    CASE WHEN frequency > 0 THEN ${score.r} END AS r_score,
    CASE WHEN frequency > 0 THEN ${score.f} END AS f_score,
    CASE WHEN frequency > 0 THEN ${score.m} END AS m_score,
    -- Revenue of everyone ranked above: a running sum minus the customer's own share (a running frame is
    -- cheap; a frame ending at 1 PRECEDING is not). Non-buyers add nothing (their net is <= 0), so one order
    -- serves both windows.
    sum(greatest(monetary, 0)) OVER ranked - greatest(monetary, 0) AS cum_before,
    total_revenue,
    row_number() OVER ranked / buyers AS value_rank,
    median_monetary
  FROM customer_features, totals
  WINDOW ranked AS (ORDER BY frequency > 0 DESC, monetary DESC, customer_id ROWS UNBOUNDED PRECEDING)
)
SELECT customer_id, r_score, f_score, m_score,
  CASE WHEN r_score IS NOT NULL THEN concat(r_score, f_score, m_score) END AS rfm_cell,
  ${segmentSql(applied.segments)} AS rfm_segment,
  ${abcSql(applied.valueTiers)} AS abc_class,
  ${valueTierSql(applied.valueTiers)} AS value_tier,
  ${lifecycleSql(applied.lifecycle)} AS lifecycle_stage
FROM scored`;
}

/**
 * Scores every customer of `customer_features`: R, F, M (1-5), the RFM cell, the named segment, ABC class,
 * value tier and lifecycle stage, into table `customer_rfm`; then refreshes `customer_analytics`.
 *
 * @example
 * await buildFeatures(store, { asOf: '2011-12-10' });
 * const applied = await buildTiers(store);
 */
export async function buildTiers(store: Store, rules: TierRules = {}): Promise<AppliedTierRules> {
  const applied = applyTierRules(await computeCuts(store), rules);
  await store.run(`CREATE OR REPLACE TABLE customer_rfm AS ${tierSql(applied)}`);
  await refreshAnalyticsView(store);
  return applied;
}
