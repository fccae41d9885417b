export interface LifecycleOptions {
  /** New: first purchase within this many days. */
  newDays: number;
  /** Lost: no purchase for more than this many days. */
  lostDays: number;
  /** At risk: no purchase for more than this many times the customer's usual gap (single-order customers: atRiskDays). */
  overdueFactor: number;
  /** At risk for single-order customers, and the floor for everyone: no purchase for more than this many days. */
  atRiskDays: number;
  /** Loyal: at least this many orders (and not at risk). */
  loyalOrders: number;
}

export const DEFAULT_LIFECYCLE: LifecycleOptions = { newDays: 90, lostDays: 365, overdueFactor: 2, atRiskDays: 120, loyalOrders: 5 };

/** Lifecycle stage, matched in this order: prospect, lost, at risk, new, loyal, active. */
export function lifecycleSql(o: LifecycleOptions): string {
  const overdue = `greatest(${Number(o.atRiskDays)}, ${Number(o.overdueFactor)} * coalesce(mean_days_between_orders, 0))`;
  return `CASE WHEN frequency = 0 THEN 'prospect'
    WHEN recency_days > ${Number(o.lostDays)} THEN 'lost'
    WHEN recency_days > ${overdue} THEN 'at risk'
    WHEN (as_of - DATE '1970-01-01') - CAST(floor(epoch_us(first_order_at) / 86400000000.0) AS BIGINT) <= ${Number(o.newDays)} THEN 'new'
    WHEN frequency >= ${Number(o.loyalOrders)} THEN 'loyal'
    ELSE 'active' END`;
}
