import type { Store } from '../../data/store.ts';
import { comparedVersions, type CompareOptions, type HistoryVersion } from './versions.ts';

/** The tiers whose loss is an alert: dropping out of either, or from VIP to Key. */
const TOP_TIERS = ['VIP', 'Key'];

export interface TierAlert {
  customer_id: string;
  /** dropped_tier: was VIP or Key and is now lower; entered_high_risk: now in the "high" band and was not. */
  kind: 'dropped_tier' | 'entered_high_risk';
  from: string | null;
  to: string | null;
  /** The customer's tiers in the later version: enough to give the next best action. */
  value_tier: string | null;
  lifecycle_stage: string | null;
  rfm_segment: string | null;
  cluster: string | null;
  risk_band: string | null;
  churn_probability: number | null;
}

export interface TierAlerts {
  from: HistoryVersion;
  to: HistoryVersion;
  alerts: TierAlert[];
}

/**
 * The customers to call today: those who dropped from VIP or Key, and those who entered the "high" risk band,
 * between two recorded versions (default: since the last run). A customer can raise both alerts. Ordered by
 * churn probability, highest first.
 *
 * @example
 * const { alerts } = await tierAlerts(store);
 */
export async function tierAlerts(store: Store, options: CompareOptions = {}): Promise<TierAlerts> {
  const { from, to } = await comparedVersions(store, options);
  const tiers = TOP_TIERS.map((t) => `'${t}'`).join(', ');
  const alerts = await store.all<TierAlert>(
    `WITH pair AS (
       SELECT n.customer_id, o.value_tier AS old_tier, n.value_tier, o.risk_band AS old_band, n.risk_band, n.churn_probability,
         n.lifecycle_stage, n.rfm_segment, n.cluster
       FROM (SELECT * FROM tier_history WHERE version = $to) n JOIN (SELECT * FROM tier_history WHERE version = $from) o USING (customer_id)
     )
     SELECT customer_id, 'dropped_tier' AS kind, old_tier AS "from", value_tier AS "to", value_tier, lifecycle_stage, rfm_segment, cluster, risk_band, churn_probability FROM pair
     WHERE old_tier IN (${tiers}) AND value_tier IS DISTINCT FROM old_tier AND NOT (old_tier = 'Key' AND value_tier = 'VIP')
     UNION ALL
     SELECT customer_id, 'entered_high_risk', old_band, risk_band, value_tier, lifecycle_stage, rfm_segment, cluster, risk_band, churn_probability FROM pair
     WHERE risk_band = 'high' AND old_band IS DISTINCT FROM 'high'
     ORDER BY churn_probability DESC NULLS LAST, customer_id, kind`,
    { from: from.version, to: to.version },
  );
  return { from, to, alerts };
}
