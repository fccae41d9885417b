import { AT_RISK_CSV_COLUMNS, atRiskCsvLine } from '../../models/churn/at-risk-csv.ts';
import { AT_RISK_DEFAULTS, atRiskQuery, atRiskRow, checkAtRisk } from '../../services/at-risk.ts';
import type { AtRiskQuery } from '../contracts.ts';
import type { RouteInput } from '../context.ts';
import { csvDownload } from '../csv-download.ts';
import { pickFilter } from './customers.ts';

/**
 * GET /api/churn/at-risk: JSON (a page, with the filtered total), or a streamed CSV download of every filtered
 * row (server/csv-download.ts). Both are the at-risk list of
 * services/at-risk.ts: the same rows, columns and next best action as `tierlab churn at-risk`.
 */
export async function atRisk({ c, deps, query }: RouteInput<AtRiskQuery>) {
  const options = { filter: pickFilter(query), limit: query.limit };
  if (query.format !== 'csv') {
    // The JSON list is a hot path: the in-memory order by value at risk (same checks, filters and order), no query.
    const filter = checkAtRisk(options, await deps.customers.columns());
    const list = await deps.customers.list();
    const page = list.page({ filter, sort: 'value_at_risk', desc: true, limit: query.limit ?? AT_RISK_DEFAULTS.limit });
    const rows = await deps.customers.rows(page.ids);
    const columns = await deps.customers.columns();
    const cluster = columns.has('cluster_name') ? 'cluster_name' : 'cluster';
    const text = (value: unknown) => (value === undefined || value === null ? null : String(value));
    return {
      total: list.count(filter),
      items: rows.map((r) =>
        atRiskRow(
          {
            customer_id: r!.customer_id,
            churn_probability: r!.churn_probability,
            risk_band: r!.risk_band,
            value_at_risk: r!.value_at_risk,
            expected_value_source: text(r!.expected_value_source),
            rfm_segment: text(r!.rfm_segment),
            value_tier: text(r!.value_tier),
            lifecycle_stage: text(r!.lifecycle_stage),
            cluster: text(r![cluster]),
            reasons: r!.reasons,
          },
          deps.home,
        ),
      ),
    };
  }
  const { sql, countSql, params } = await atRiskQuery(deps.store, options);
  const total = (await deps.store.one<{ n: number }>(countSql, params))?.n ?? 0;
  return csvDownload(c, {
    store: deps.store,
    sql,
    params,
    filename: 'at-risk.csv',
    total: Math.min(total, query.limit ?? total),
    header: AT_RISK_CSV_COLUMNS,
    line: (r) => {
      const row = atRiskRow(r, deps.home);
      return atRiskCsvLine(row, row.next_best_action);
    },
  });
}
