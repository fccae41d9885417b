import type { Store } from '../../data/store.ts';

/** Cut points between the five scores: four ascending values per dimension. */
export interface RfmCuts {
  recency: number[];
  frequency: number[];
  monetary: number[];
}

export interface SegmentRule {
  name: string;
  /** Inclusive score ranges; a missing range matches any score. */
  r?: [number, number];
  f?: [number, number];
  m?: [number, number];
}

/**
 * The named RFM segments, matched first to last; the first rule that matches wins, so a segment never swallows
 * one above it. Every scored customer matches one of the eleven; customers without a purchase fall to `Other`.
 */
export const DEFAULT_SEGMENT_RULES: SegmentRule[] = [
  { name: 'Champions', r: [4, 5], f: [4, 5], m: [4, 5] },
  { name: 'Loyal', r: [3, 5], f: [4, 5] },
  { name: 'Potential loyalist', r: [4, 5], f: [2, 3] },
  { name: 'New', r: [5, 5], f: [1, 1] },
  { name: 'Promising', r: [4, 4], f: [1, 1] },
  { name: 'Need attention', r: [3, 3], f: [2, 3] },
  { name: 'About to sleep', r: [3, 3], f: [1, 1] },
  { name: "Can't lose them", r: [1, 2], f: [4, 5], m: [4, 5] },
  { name: 'At risk', r: [1, 2], f: [3, 5] },
  { name: 'Hibernating', r: [2, 2], f: [1, 2] },
  { name: 'Lost', r: [1, 1], f: [1, 2] },
];
export const CATCH_ALL_SEGMENT = 'Other';

/** Quantile levels of the cut points: R and M over buyers, F over repeat buyers; both engines use these. */
export const QUINTILES = [0.2, 0.4, 0.6, 0.8];
export const QUARTILES = [0.25, 0.5, 0.75];

/**
 * Quantile cut points over purchasing customers (frequency >= 1), nearest-rank: the value at rank ceil(q * n)
 * (DuckDB's quantile_disc). Frequency is skewed (often most customers buy once), so its quintiles collapse:
 * one-time buyers get F = 1 and repeat buyers are split into F = 2..5 by the quartiles of their frequency.
 * The first frequency cut is therefore always 1.
 */
export async function computeCuts(store: Store, table = 'customer_features'): Promise<RfmCuts> {
  const row = (await store.one<{ r: number[] | null; m: number[] | null; f: number[] | null }>(
    `SELECT
       (SELECT quantile_disc(recency_days, [${QUINTILES}]) FROM ${table} WHERE frequency >= 1) AS r,
       (SELECT quantile_disc(CAST(monetary AS DOUBLE), [${QUINTILES}]) FROM ${table} WHERE frequency >= 1) AS m,
       (SELECT quantile_disc(frequency, [${QUARTILES}]) FROM ${table} WHERE frequency >= 2) AS f`,
  ))!;
  return {
    recency: row.r ?? [0, 0, 0, 0],
    frequency: [1, ...(row.f ?? [2, 2, 2])],
    monetary: row.m ?? [0, 0, 0, 0],
  };
}

/** Score = 1 + the number of cut points the value exceeds; equal values always share a score. */
const above = (column: string, cuts: number[]) => cuts.map((c) => `(CASE WHEN ${column} > ${Number(c)} THEN 1 ELSE 0 END)`).join(' + ');

/** SQL expressions for the R, F and M scores (recency: fewer days is better, so it is reversed). */
export function scoreSql(cuts: RfmCuts): { r: string; f: string; m: string } {
  return {
    r: `5 - (${above('recency_days', cuts.recency)})`,
    f: `1 + (${above('frequency', cuts.frequency)})`,
    m: `1 + (${above('CAST(monetary AS DOUBLE)', cuts.monetary)})`,
  };
}

const range = (score: string, bounds?: [number, number]) => (bounds ? `${score} BETWEEN ${Number(bounds[0])} AND ${Number(bounds[1])}` : 'true');

/** A CASE expression matching the rules first to last. */
export function segmentSql(rules: SegmentRule[], r = 'r_score', f = 'f_score', m = 'm_score'): string {
  const whens = rules
    .map((rule) => `WHEN ${range(r, rule.r)} AND ${range(f, rule.f)} AND ${range(m, rule.m)} THEN '${rule.name.replaceAll("'", "''")}'`)
    .join('\n    ');
  return `CASE WHEN ${r} IS NULL THEN '${CATCH_ALL_SEGMENT}'\n    ${whens}\n    ELSE '${CATCH_ALL_SEGMENT}' END`;
}
