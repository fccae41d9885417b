import type { Store } from '../../data/store.ts';

export interface TierGroup {
  tier: string;
  customers: number;
  share_of_customers: number;
  /** Net revenue of the group, exact, as a decimal string. */
  revenue: string;
  share_of_revenue: number;
  median_recency_days: number | null;
  median_frequency: number;
  median_monetary: number;
}

export type TierDimension = 'rfm_segment' | 'abc_class' | 'value_tier' | 'lifecycle_stage';

/**
 * For each value of a tier column: customer count and share, revenue and share, medians of R, F and M.
 *
 * @example
 * const segments = await tierSummary(store, 'rfm_segment');
 */
export async function tierSummary(store: Store, dimension: TierDimension): Promise<TierGroup[]> {
  return store.all<TierGroup>(`
    SELECT r.${dimension} AS tier, count(*) AS customers,
      round(count(*) / sum(count(*)) OVER (), 4) AS share_of_customers,
      CAST(sum(f.monetary) AS VARCHAR) AS revenue,
      round(CAST(sum(f.monetary) / nullif(sum(sum(f.monetary)) OVER (), 0) AS DOUBLE), 4) AS share_of_revenue,
      median(f.recency_days) AS median_recency_days,
      median(f.frequency) AS median_frequency,
      CAST(median(f.monetary) AS DOUBLE) AS median_monetary
    FROM customer_rfm r JOIN customer_features f USING (customer_id)
    GROUP BY r.${dimension} ORDER BY sum(f.monetary) DESC`);
}
