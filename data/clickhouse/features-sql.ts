import type { Settings } from './client.ts';
import type { ClickHouseSource } from './source.ts';

/**
 * The settings every per-customer query runs with. `distributed_product_mode = 'local'` makes each shard read
 * its own part of every Distributed table inside a JOIN subquery, and `distributed_group_by_no_merge` takes
 * each shard's groups as final: both are right only because all rows of a customer are on one shard (checked
 * at connect: source.ts). `join_use_nulls`: a customer without transactions gets NULLs, not zeros.
 */
export const PER_CUSTOMER_SETTINGS: Settings = {
  distributed_product_mode: 'local',
  distributed_group_by_no_merge: '1',
  join_use_nulls: 1,
};

const DAY_SECONDS = 86_400;

/** Days since the epoch of a 'YYYY-MM-DD' date. */
export const epochDay = (date: string) => Date.parse(`${date}T00:00:00Z`) / (DAY_SECONDS * 1000);

/** Ten-thousandths to cents, half away from zero: DuckDB's CAST(DECIMAL(18,4) AS DECIMAL(18,2)). */
export const cents = (units: string) => `intDiv(${units} + if(${units} >= 0, 50, -50), 100)`;

/** A Float64 rounded to a whole number half away from zero (C's round, as DuckDB's round uses). */
export const roundHalfAway = (x: string) => `(trunc(${x}) + if(abs(${x} - trunc(${x})) >= 0.5, if(${x} > 0, 1, -1), 0))`;

/**
 * The customer's transactions summed per order, then per customer, on the shard that holds them: every line is
 * read once (before and after the cutoff: a customer with only later lines does not exist yet as of the cutoff).
 * Windows compare whole UTC days before the cutoff, `l_d`, as DuckDB's feature SQL does. Every alias carries a
 * prefix: ClickHouse aliases are visible in the whole SELECT, and one named like a user's column would capture it.
 */
function perCustomerSql(source: ClickHouseSource, day: number, key: string): string {
  const t = source.transactions;
  const before = `l_ts < ${day * DAY_SECONDS}`;
  const spend = (condition: string) => `sumIf(l_amount, ${before} AND ${condition})`;
  return `
SELECT o_key AS ${key},
  countIf(o_net > 0) AS c_frequency,
  minIf(o_at, o_net > 0) AS c_first,
  maxIf(o_at, o_net > 0) AS c_last,
  countIf(o_net > 0 AND o_d < 30) AS c_orders_30d,
  countIf(o_net > 0 AND o_d < 90) AS c_orders_90d,
  countIf(o_net > 0 AND o_d < 180) AS c_orders_180d,
  sum(o_net) AS c_monetary,
  sum(o_spend_30) AS c_spend_30,
  sum(o_spend_90) AS c_spend_90,
  sum(o_spend_180) AS c_spend_180,
  sum(o_spend_prior_90) AS c_spend_prior_90,
  sum(o_return_lines) AS c_return_lines,
  sum(o_lines) AS c_lines,
  sum(o_later_lines) AS c_later_lines,
  uniqExactArray(o_products) AS c_products,
  uniqExactArray(o_categories) AS c_categories
FROM (
  SELECT l_key AS o_key,
    minIf(l_ts, ${before}) AS o_at,
    ${day} - intDiv(o_at, ${DAY_SECONDS}) AS o_d,
    sumIf(l_amount, ${before}) AS o_net,
    ${spend('l_d < 30')} AS o_spend_30,
    ${spend('l_d < 90')} AS o_spend_90,
    ${spend('l_d < 180')} AS o_spend_180,
    ${spend('l_d >= 90 AND l_d < 180')} AS o_spend_prior_90,
    countIf(${before} AND l_amount < 0) AS o_return_lines,
    countIf(${before}) AS o_lines,
    countIf(NOT ${before}) AS o_later_lines,
    groupUniqArrayIf(l_product, ${before}) AS o_products,
    groupUniqArrayIf(l_category, ${before}) AS o_categories
  FROM (
    SELECT ${t.idColumn} AS l_key, ${t.expr.order_id} AS l_order, ${t.expr.ts_s} AS l_ts, ${t.expr.amount_u} AS l_amount,
      ${t.expr.product} AS l_product, ${t.expr.category} AS l_category, ${day} - intDiv(l_ts, ${DAY_SECONDS}) AS l_d
    FROM ${t.table} WHERE ${t.valid}
  )
  GROUP BY l_key, l_order
)
GROUP BY o_key`;
}

const COUNTS = ['frequency', 'orders_30d', 'orders_90d', 'orders_180d', 'lines', 'return_lines', 'later_lines', 'products', 'categories'];
const SUMS = ['monetary', 'spend_30', 'spend_90', 'spend_180', 'spend_prior_90'];

/**
 * Features as of a cutoff, one row per customer, in the columns and order of DuckDB's feature table and in the
 * representation the copy into DuckDB reads (to-duckdb.ts): money in cents, dates as days and times as
 * microseconds since the epoch. The inner query drives from the customers table when there is one (customers
 * without any transaction are prospects), else from the transactions; either is Distributed, so it runs on each
 * shard for that shard's customers. The outer query only projects and filters the per-customer rows, on the
 * initiating node.
 *
 * @example
 * await ch.command(`CREATE TABLE f ENGINE = MergeTree ORDER BY customer_id AS ${clickhouseFeatureSql(source, '2011-12-10')}`, PER_CUSTOMER_SETTINGS);
 */
export function clickhouseFeatureSql(source: ClickHouseSource, asOf: string): string {
  const day = epochDay(asOf);
  const driver = source.customers ?? source.transactions;
  const key = driver.idColumn;
  const signup = source.customers ? `min(${source.customers.expr.signup_day})` : 'CAST(NULL AS Nullable(Int64))';
  const join = source.customers ? 'ALL FULL OUTER JOIN' : 'ANY LEFT JOIN';
  const inner = [
    `${key} AS tl_key`,
    `${signup} AS tl_signup`,
    'any(c_first) AS tl_first',
    'any(c_last) AS tl_last',
    ...COUNTS.map((c) => `ifNull(any(c_${c}), 0) AS tl_${c}`),
    ...SUMS.map((c) => `ifNull(any(c_${c}), 0) AS tl_${c}`),
  ];
  const double = (units: string) => `(toFloat64(${units}) / 10000)`;
  const [s90, prior] = [double('tl_spend_90'), double('tl_spend_prior_90')];
  const firstDay = `intDiv(tl_first, ${DAY_SECONDS})`;
  return `
SELECT
  assumeNotNull(toString(tl_key)) AS customer_id,
  ${day} AS as_of,
  tl_signup AS signup_date,
  if(tl_frequency > 0, tl_first * 1000000, NULL) AS first_order_at,
  if(tl_frequency > 0, tl_last * 1000000, NULL) AS last_order_at,
  if(tl_frequency > 0, ${day} - intDiv(tl_last, ${DAY_SECONDS}), NULL) AS recency_days,
  tl_frequency AS frequency,
  ${cents('tl_monetary')} AS monetary,
  if(tl_frequency > 0, ${roundHalfAway(`${double('tl_monetary')} / tl_frequency * 100`)} / 100, NULL) AS avg_order_value,
  multiIf(tl_frequency > 0 AND isNotNull(tl_signup), ${day} - least(${firstDay}, assumeNotNull(tl_signup)),
          tl_frequency > 0, ${day} - ${firstDay},
          isNotNull(tl_signup), ${day} - assumeNotNull(tl_signup), NULL) AS tenure_days,
  if(tl_frequency > 1, toFloat64((tl_last - tl_first) * 1000000) / 86400000000 / (tl_frequency - 1), NULL) AS mean_days_between_orders,
  tl_orders_30d AS orders_30d,
  tl_orders_90d AS orders_90d,
  tl_orders_180d AS orders_180d,
  ${cents('tl_spend_30')} AS spend_30d,
  ${cents('tl_spend_90')} AS spend_90d,
  ${cents('tl_spend_180')} AS spend_180d,
  ${cents('tl_spend_prior_90')} AS spend_prior_90d,
  if(abs(${s90}) + abs(${prior}) > 0, (${s90} - ${prior}) / (abs(${s90}) + abs(${prior})), 0) AS spend_trend,
  if(tl_lines > 0, tl_return_lines / tl_lines, 0) AS return_rate,
  tl_products AS distinct_products,
  tl_categories AS distinct_categories
FROM (
  SELECT ${inner.join(',\n    ')}
  FROM ${driver.table} ${join} (${perCustomerSql(source, day, key)}) USING ${key}
  WHERE ${driver.valid}
  GROUP BY ${key}
)
-- Who exists as of the cutoff, as in DuckDB's feature SQL: a line before it, a sign-up before it, or (no
-- sign-up date) no line at all, not even a later one.
WHERE tl_lines > 0 OR tl_signup < ${day} OR (isNull(tl_signup) AND tl_later_lines = 0)`;
}
