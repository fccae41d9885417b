/** Thresholds of the value tiers (shares of revenue, shares of customers). */
export interface ValueTierOptions {
  /** ABC: A holds the customers up to this cumulative share of revenue. */
  abcA: number;
  /** ABC: B up to this cumulative share; C the rest. */
  abcB: number;
  /** VIP: the top share of purchasing customers by monetary value. */
  vipShare: number;
  /** Key: down to this share of purchasing customers (VIP included). */
  keyShare: number;
}

export const DEFAULT_VALUE_TIERS: ValueTierOptions = { abcA: 0.8, abcB: 0.95, vipShare: 0.05, keyShare: 0.2 };

/** The five named value tiers, best first. */
export const VALUE_TIERS = ['VIP', 'Key', 'Growth potential', 'Standard', 'Low value'] as const;

/**
 * ABC class by cumulative share of positive revenue, customers ranked by monetary value (ties by id, so the
 * split is deterministic). A customer is A while the revenue of everyone ranked above them is below abcA.
 * Customers with zero or negative net revenue are C.
 */
export function abcSql(options: ValueTierOptions): string {
  return `CASE WHEN monetary <= 0 OR monetary IS NULL THEN 'C'
    WHEN cum_before < ${Number(options.abcA)} * total_revenue THEN 'A'
    WHEN cum_before < ${Number(options.abcB)} * total_revenue THEN 'B' ELSE 'C' END`;
}

/**
 * Value tiers (documented in the README):
 * VIP: top 5% of purchasing customers by net revenue; Key: the next 15%;
 * Growth potential: not in the top 20% but recent and repeat (R >= 4 and F >= 2) or spending more lately (spend_trend > 0.2);
 * Standard: net revenue at or above the median of purchasing customers; Low value: the rest, and non-buyers.
 */
export function valueTierSql(options: ValueTierOptions): string {
  return `CASE WHEN frequency = 0 OR monetary <= 0 THEN 'Low value'
    WHEN value_rank <= ${Number(options.vipShare)} THEN 'VIP'
    WHEN value_rank <= ${Number(options.keyShare)} THEN 'Key'
    WHEN (r_score >= 4 AND f_score >= 2) OR spend_trend > 0.2 THEN 'Growth potential'
    WHEN monetary >= median_monetary THEN 'Standard'
    ELSE 'Low value' END`;
}
