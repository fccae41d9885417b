import { notFound } from '../../data/errors.ts';
import type { Store } from '../../data/store.ts';
import { getCampaign, type Campaign } from './create.ts';
import { compareMeans, compareProportions, STATS_DEFAULTS, type MeanComparison, type ProportionComparison } from './stats.ts';

export interface CampaignResults {
  campaign: Campaign;
  window: {
    starts_at: string;
    ends_at: string;
    /** The newest transaction in the store: outcomes are known up to here. */
    data_until: string | null;
    /** Transactions reach the end of the horizon: the churn rate is final. */
    horizon_complete: boolean;
  };
  /** Bought at least once (a purchase order: positive net amount) in the window. */
  repurchase: ProportionComparison;
  /** Bought nothing over the horizon. */
  churn: ProportionComparison;
  /** Net revenue in the window per member (returns netted). */
  revenue: MeanComparison;
  level: number;
}

/** Per member: purchase orders and net revenue from the campaign's start over its horizon, read column-wise. */
async function memberOutcomes(store: Store, campaign: Campaign, endsAt: string) {
  const reader = await store.connection.runAndReadAll(
    `WITH members AS (SELECT customer_id, arm FROM campaign_members WHERE campaign_id = $id),
     orders AS (
       SELECT t.customer_id, t.order_id, sum(t.amount) AS net FROM transactions t SEMI JOIN members m ON m.customer_id = t.customer_id
       WHERE t.timestamp >= CAST($starts AS TIMESTAMPTZ) AND t.timestamp < CAST($ends AS TIMESTAMPTZ) GROUP BY ALL
     ),
     per AS (SELECT customer_id, count(*) FILTER (WHERE net > 0) AS purchases, sum(net) AS revenue FROM orders GROUP BY customer_id)
     SELECT m.arm = 'treatment' AS treated, coalesce(p.purchases, 0) > 0 AS bought, CAST(coalesce(p.revenue, 0) AS DOUBLE) AS revenue
     FROM members m LEFT JOIN per p USING (customer_id)`,
    { id: campaign.campaign_id, starts: campaign.starts_at, ends: endsAt },
  );
  const [treated, bought, revenue] = reader.getColumnsJS() as [boolean[], boolean[], number[]];
  return { treated: treated ?? [], bought: bought ?? [], revenue: revenue ?? [] };
}

/**
 * A campaign's outcomes so far, treatment against control: repurchase rate, churn rate over the horizon and
 * revenue per customer, each with intervals, the uplift and whether it is significant (stats.ts). Read from the
 * transactions at call time, so new data shows at once.
 *
 * @example
 * const results = await campaignResults(store, 3);
 * results.repurchase.difference; // uplift in repurchase rate
 */
export async function campaignResults(store: Store, campaignId: number, options: { resamples?: number; seed?: number; level?: number } = {}): Promise<CampaignResults> {
  const campaign = await getCampaign(store, campaignId);
  if (!campaign) throw notFound(`campaign ${campaignId} does not exist`, { field: 'id' });
  const level = options.level ?? STATS_DEFAULTS.level;
  const endsAt = new Date(Date.parse(campaign.starts_at) + campaign.horizon_days * 86_400_000).toISOString();
  const { treated, bought, revenue } = await memberOutcomes(store, campaign, endsAt);
  const counts = { treatment: { n: 0, bought: 0 }, control: { n: 0, bought: 0 } };
  const byArm = { treatment: [] as number[], control: [] as number[] };
  treated.forEach((t, i) => {
    const arm = t ? 'treatment' : 'control';
    counts[arm].n++;
    if (bought[i]) counts[arm].bought++;
    byArm[arm].push(revenue[i]);
  });
  const until = (await store.one<{ until: string | null }>('SELECT max(timestamp) AS until FROM transactions'))?.until ?? null;
  return {
    campaign,
    window: { starts_at: campaign.starts_at, ends_at: endsAt, data_until: until, horizon_complete: until !== null && Date.parse(until) >= Date.parse(endsAt) },
    repurchase: compareProportions({ successes: counts.treatment.bought, n: counts.treatment.n }, { successes: counts.control.bought, n: counts.control.n }, level),
    churn: compareProportions({ successes: counts.treatment.n - counts.treatment.bought, n: counts.treatment.n }, { successes: counts.control.n - counts.control.bought, n: counts.control.n }, level),
    revenue: compareMeans(Float64Array.from(byArm.treatment), Float64Array.from(byArm.control), { level, resamples: options.resamples, seed: options.seed ?? campaign.seed }),
    level,
  };
}
