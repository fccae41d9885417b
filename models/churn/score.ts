/**
 * Scores customers into `customer_churn`: probability, risk band, expected value, value at risk and reasons.
 */
import { refreshAnalyticsView } from '../../data/analytics.ts';
import { ident, literal, type Store } from '../../data/store.ts';
import { shiftDate, type Scoring } from './dataset.ts';
import { explain, type Reason } from './explain.ts';
import type { ChurnModel } from './model.ts';

/** Risk bands by churn probability: high >= 0.5, medium >= 0.25, else low. */
export const RISK_BANDS = { high: 0.5, medium: 0.25 } as const;

export type RiskBand = 'high' | 'medium' | 'low';

/**
 * @example
 * riskBand(0.3); // 'medium'
 */
export function riskBand(probability: number): RiskBand {
  return probability >= RISK_BANDS.high ? 'high' : probability >= RISK_BANDS.medium ? 'medium' : 'low';
}

/**
 * Expected value per customer: `clv_12m` from `customer_clv` when that table has it, else net spend in the 365
 * days before `asOf`; customers with neither (no transactions at all) get null.
 *
 * @example
 * const { source, values } = await expectedValues(store, { asOf: '2011-12-10' });
 */
export async function expectedValues(store: Store, options: { asOf: string }): Promise<{ source: string; values: Map<string, number> }> {
  const hasClv = (await store.has('customer_clv')) &&
    (await store.one<{ n: number }>(`SELECT count(*) AS n FROM duckdb_columns() WHERE table_name = 'customer_clv' AND column_name = 'clv_12m'`))!.n > 0;
  if (hasClv) {
    const rows = await store.all<{ customer_id: string; v: number | null }>('SELECT customer_id, clv_12m AS v FROM customer_clv');
    return { source: 'customer_clv.clv_12m', values: new Map(rows.filter((r) => r.v !== null).map((r) => [r.customer_id, r.v!])) };
  }
  const from = `TIMESTAMPTZ ${literal(`${shiftDate(options.asOf, -365)} 00:00:00+00`)}`;
  const to = `TIMESTAMPTZ ${literal(`${options.asOf} 00:00:00+00`)}`;
  const rows = await store.all<{ customer_id: string; v: number }>(
    `SELECT customer_id, CAST(sum(amount) AS DOUBLE) AS v FROM transactions WHERE timestamp >= ${from} AND timestamp < ${to} GROUP BY customer_id`,
  );
  return { source: 'trailing 12-month spend', values: new Map(rows.map((r) => [r.customer_id, r.v])) };
}

export interface ScoredCustomer {
  customer_id: string;
  churn_probability: number;
  risk_band: RiskBand;
  value_at_risk: number | null;
  expected_value: number | null;
  reasons: Reason[];
}

/**
 * Probability, band and reasons for each customer; value at risk = probability x expected value.
 *
 * @example
 * const scored = scoreCustomers(model, scoring, values);
 */
export function scoreCustomers(model: ChurnModel, scoring: Scoring, expected: Map<string, number>, options: { reasons?: number } = {}): ScoredCustomer[] {
  const probabilities = model.predict(scoring.rows);
  const reasons = explain(model, scoring.rows, { top: options.reasons ?? 3 });
  return scoring.ids.map((id, i) => {
    const value = expected.get(id);
    return {
      customer_id: id,
      churn_probability: probabilities[i],
      risk_band: riskBand(probabilities[i]),
      expected_value: value ?? null,
      value_at_risk: value === undefined ? null : probabilities[i] * value,
      reasons: reasons[i],
    };
  });
}

/**
 * Replaces `customer_churn` in one transaction (readers see the old table or the new one, never half), then
 * refreshes `customer_analytics`.
 *
 * @example
 * await writeChurnTable(store, scored);
 */
export async function writeChurnTable(store: Store, scored: ScoredCustomer[]): Promise<void> {
  const staging = 'customer_churn_staging';
  await store.run(`CREATE OR REPLACE TABLE ${staging} (customer_id VARCHAR PRIMARY KEY, churn_probability DOUBLE, risk_band VARCHAR,
    value_at_risk DOUBLE, expected_value DOUBLE, reasons VARCHAR)`);
  const appender = await store.connection.createAppender(staging);
  for (const s of scored) {
    appender.appendVarchar(s.customer_id);
    appender.appendDouble(s.churn_probability);
    appender.appendVarchar(s.risk_band);
    if (s.value_at_risk === null) appender.appendNull();
    else appender.appendDouble(s.value_at_risk);
    if (s.expected_value === null) appender.appendNull();
    else appender.appendDouble(s.expected_value);
    appender.appendVarchar(JSON.stringify(s.reasons.map((r) => r.text)));
    appender.endRow();
  }
  appender.closeSync();
  await store.transaction(async () => {
    await store.run(`CREATE OR REPLACE TABLE customer_churn AS SELECT * FROM ${ident(staging)}`);
    await store.run(`DROP TABLE ${ident(staging)}`);
  });
  await refreshAnalyticsView(store);
}
