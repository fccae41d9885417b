import { epochDay } from './features-sql.ts';
import type { ClickHouseSource } from './source.ts';

/**
 * The lines lifetime value reads (models/clv/table.ts `readTransactions`): per customer and UTC day, the net of
 * its non-negative lines and the net of its negative ones, before a cutoff. Grouped on the shards (the groups
 * include the customer); columns customer_id, day in epoch milliseconds, net as a double.
 */
export function clickhouseDayLinesSql(source: ClickHouseSource, options: { before: string }): string {
  const t = source.transactions;
  const before = epochDay(options.before) * 86_400;
  return `
SELECT assumeNotNull(toString(tl_key)) AS customer_id, tl_day * 86400000 AS day_ms, toFloat64(tl_net) / 10000 AS net
FROM (
  SELECT ${t.idColumn} AS tl_key, intDiv(${t.expr.ts_s}, 86400) AS tl_day, sum(${t.expr.amount_u}) AS tl_net
  FROM ${t.table} WHERE ${t.valid} AND ${t.expr.ts_s} < ${before}
  GROUP BY tl_key, tl_day, ${t.expr.amount_u} < 0
)`;
}

/**
 * Behavioural churn labels at a cutoff, as models/churn/dataset.ts computes them in DuckDB: customers with a
 * purchase order (positive net) before the cutoff, churned = 1 when they place none in the horizon after it.
 * Orders and customers are aggregated on the shards (the same settings as the features); the initiating node
 * only sorts the rows by customer id, as DuckDB returns them.
 */
export function clickhouseLabelSql(source: ClickHouseSource, options: { cutoff: string; horizonDays: number }): string {
  const t = source.transactions;
  const start = epochDay(options.cutoff) * 86_400;
  const end = start + options.horizonDays * 86_400;
  const key = t.idColumn;
  return `
SELECT assumeNotNull(toString(tl_key)) AS customer_id, tl_churned AS churned
FROM (
  SELECT ${key} AS tl_key, any(b_churned) AS tl_churned
  FROM ${t.table} ANY INNER JOIN (
    SELECT o_key AS ${key}, if(countIf(o_at >= ${start}) > 0, 0, 1) AS b_churned
    FROM (
      SELECT l_key AS o_key, min(l_ts) AS o_at, sum(l_amount) AS o_net
      FROM (
        SELECT ${key} AS l_key, ${t.expr.order_id} AS l_order, ${t.expr.ts_s} AS l_ts, ${t.expr.amount_u} AS l_amount
        FROM ${t.table} WHERE ${t.valid} AND l_ts < ${end}
      )
      GROUP BY l_key, l_order
    )
    WHERE o_net > 0
    GROUP BY o_key
    HAVING countIf(o_at < ${start}) > 0
  ) USING ${key}
  WHERE ${t.valid}
  GROUP BY ${key}
)
ORDER BY customer_id`;
}
