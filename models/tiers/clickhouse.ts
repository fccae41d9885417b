/**
 * The tiers in ClickHouse's SQL (the 18.16 subset: no window functions, one JOIN per SELECT), over the
 * per-customer features table Tierlab built on the initiating node (data/clickhouse/features-sql.ts: money in
 * cents, times in microseconds). The global steps run there: cut points over every buyer, and the revenue
 * ranking behind ABC and the value tiers as one sorted array with a running sum. Every rule compares integers
 * where DuckDB compares decimals, so both engines put each customer in the same tier (test/engines/).
 */
import { CATCH_ALL_SEGMENT, QUARTILES, QUINTILES, type RfmCuts, type SegmentRule } from './rfm.ts';
import type { LifecycleOptions } from './lifecycle.ts';
import type { ValueTierOptions } from './value.ts';
import type { AppliedTierRules } from './index.ts';

/**
 * A decimal number as an exact fraction, read from its shortest text as DuckDB reads a decimal literal.
 *
 * @example
 * decimalFraction(0.95) // { num: 95n, den: 100n }
 */
export function decimalFraction(x: number): { num: bigint; den: bigint } {
  const text = String(x);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new RangeError(`${text} is not a plain decimal number`);
  const decimals = match[3] ?? '';
  return { num: BigInt(`${match[1]}${match[2]}${decimals}`), den: 10n ** BigInt(decimals.length) };
}

/** Nearest rank ceil(n * q), computed exactly (DuckDB's quantile_disc with decimal levels). */
const rank = (n: string, q: number) => {
  const { num, den } = decimalFraction(q);
  return `greatest(1, intDiv(${n} * ${num} + ${den - 1n}, ${den}))`;
};

/** One query, one row: buyers, repeat buyers and the cut points as arrays (meaningless where the count is 0). */
export function clickhouseCutsSql(features: string): string {
  const pick = (sorted: string, n: string, levels: number[]) => `[${levels.map((q) => `${sorted}[${rank(n, q)}]`).join(', ')}]`;
  return `
SELECT tl_buyers, tl_repeat, ${pick('tl_r', 'tl_buyers', QUINTILES)}, ${pick('tl_m', 'tl_buyers', QUINTILES)}, ${pick('tl_f', 'tl_repeat', QUARTILES)}
FROM (
  SELECT arraySort(groupArrayIf(assumeNotNull(recency_days), frequency >= 1)) AS tl_r,
         arraySort(groupArrayIf(monetary, frequency >= 1)) AS tl_m,
         arraySort(groupArrayIf(frequency, frequency >= 2)) AS tl_f,
         length(tl_r) AS tl_buyers,
         length(tl_f) AS tl_repeat
  FROM ${features}
)`;
}

/**
 * The cut points from the row of `clickhouseCutsSql`, with DuckDB's defaults for an empty dimension. Monetary
 * cuts come back in cents and become the doubles DuckDB's CAST(monetary AS DOUBLE) gives.
 */
export function parseCuts(row: (string | null)[]): RfmCuts {
  const [buyers, repeat] = row.slice(0, 2).map(Number);
  const [r, m, f] = row.slice(2).map((cell) => JSON.parse(cell!) as number[]);
  return {
    recency: buyers ? r : [0, 0, 0, 0],
    frequency: [1, ...(repeat ? f : [2, 2, 2])],
    monetary: buyers ? m.map((c) => c / 100) : [0, 0, 0, 0],
  };
}

/**
 * The largest whole number of cents k with k / 100 <= cut in double arithmetic: then, for cents m,
 * CAST(m AS DOUBLE) / 100 > cut (DuckDB's comparison) exactly when m > k, and ClickHouse compares integers.
 */
export function centsAtOrBelow(cut: number): number {
  let k = Math.floor(cut * 100);
  while ((k + 1) / 100 <= cut) k += 1;
  while (k / 100 > cut) k -= 1;
  return k;
}

const above = (column: string, thresholds: number[]) => thresholds.map((t) => `(${column} > ${t})`).join(' + ');

/** R, F and M scores as in rfm.ts: whole-number columns compared with the whole part of each cut. */
function scores(cuts: RfmCuts): { r: string; f: string; m: string } {
  return {
    r: `5 - (${above('recency_days', cuts.recency.map(Math.floor))})`,
    f: `1 + (${above('frequency', cuts.frequency.map(Math.floor))})`,
    m: `1 + (${above('monetary', cuts.monetary.map(centsAtOrBelow))})`,
  };
}

const quote = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** The named segment, rules matched first to last (rfm.ts), as one multiIf. */
function segment(rules: SegmentRule[]): string {
  const inRange = (score: string, bounds?: [number, number]) => (bounds ? [`${score} >= ${Number(bounds[0])}`, `${score} <= ${Number(bounds[1])}`] : []);
  const branches = rules.map((rule) => {
    const conditions = [...inRange('tl_r', rule.r), ...inRange('tl_f', rule.f), ...inRange('tl_m', rule.m)];
    return `${conditions.length ? conditions.join(' AND ') : '1'}, ${quote(rule.name)}`;
  });
  return `multiIf(isNull(tl_r), ${quote(CATCH_ALL_SEGMENT)}, ${branches.join(',\n    ')}, ${quote(CATCH_ALL_SEGMENT)})`;
}

/** ABC (value.ts): exact, as revenue_before * den < num * total in 128-bit decimals. */
function abc(options: ValueTierOptions): string {
  const share = (x: number) => {
    const { num, den } = decimalFraction(x);
    return `toDecimal128(tl_before, 0) * ${den} < toDecimal128(tl_total, 0) * ${num}`;
  };
  return `multiIf(monetary <= 0, 'C', ${share(options.abcA)}, 'A', ${share(options.abcB)}, 'B', 'C')`;
}

/** Value tiers (value.ts). */
function valueTier(options: ValueTierOptions): string {
  return `multiIf(frequency = 0 OR monetary <= 0, 'Low value',
    tl_rank / tl_buyers <= ${Number(options.vipShare)}, 'VIP',
    tl_rank / tl_buyers <= ${Number(options.keyShare)}, 'Key',
    (tl_r >= 4 AND tl_f >= 2) OR spend_trend > 0.2, 'Growth potential',
    monetary >= tl_median, 'Standard',
    'Low value')`;
}

/** Lifecycle stages (lifecycle.ts), first match. */
function lifecycle(o: LifecycleOptions): string {
  return `multiIf(frequency = 0, 'prospect',
    recency_days > ${Number(o.lostDays)}, 'lost',
    recency_days > greatest(${Number(o.atRiskDays)}, ${Number(o.overdueFactor)} * ifNull(mean_days_between_orders, 0)), 'at risk',
    as_of - intDiv(first_order_at, 86400000000) <= ${Number(o.newDays)}, 'new',
    frequency >= ${Number(o.loyalOrders)}, 'loyal',
    'active')`;
}

/**
 * The `customer_rfm` rows, in DuckDB's columns and order. Runs on the initiating node over the features table:
 * the ranking by revenue (buyers first, then net revenue down, then id) is one sorted array of every customer
 * with a running sum of positive revenue; median revenue is DuckDB's for DECIMAL: the lower middle value plus
 * half the gap to the upper one, rounded down to the cent.
 */
export function clickhouseTierSql(features: string, applied: AppliedTierRules): string {
  const score = scores(applied.cuts);
  return `
WITH
  (SELECT countIf(frequency > 0) FROM ${features}) AS tl_buyers,
  (SELECT sum(greatest(monetary, 0)) FROM ${features}) AS tl_total,
  (SELECT if(n = 0, NULL, if(n % 2 = 1, s[intDiv(n, 2) + 1], s[intDiv(n, 2)] + intDiv(s[intDiv(n, 2) + 1] - s[intDiv(n, 2)], 2)))
     FROM (SELECT arraySort(groupArrayIf(monetary, frequency > 0)) AS s, length(s) AS n FROM ${features})) AS tl_median
SELECT customer_id, tl_r AS r_score, tl_f AS f_score, tl_m AS m_score,
  if(isNull(tl_r), NULL, concat(toString(tl_r), toString(tl_f), toString(tl_m))) AS rfm_cell,
  ${segment(applied.segments)} AS rfm_segment,
  ${abc(applied.valueTiers)} AS abc_class,
  ${valueTier(applied.valueTiers)} AS value_tier,
  ${lifecycle(applied.lifecycle)} AS lifecycle_stage
FROM (
  SELECT customer_id, frequency, monetary, recency_days, spend_trend, mean_days_between_orders, first_order_at, as_of,
    if(frequency > 0, ${score.r}, NULL) AS tl_r,
    if(frequency > 0, ${score.f}, NULL) AS tl_f,
    if(frequency > 0, ${score.m}, NULL) AS tl_m
  FROM ${features}
) ANY LEFT JOIN (
  SELECT tupleElement(tl_entry, 3) AS customer_id, tl_position AS tl_rank, tl_running - greatest(-tupleElement(tl_entry, 2), 0) AS tl_before
  FROM (
    SELECT arraySort(groupArray((toUInt8(frequency = 0), -monetary, customer_id))) AS tl_sorted,
           arrayCumSum(arrayMap(e -> greatest(-tupleElement(e, 2), 0), tl_sorted)) AS tl_sums
    FROM ${features}
  ) ARRAY JOIN tl_sorted AS tl_entry, tl_sums AS tl_running, arrayEnumerate(tl_sorted) AS tl_position
) USING customer_id`;
}
