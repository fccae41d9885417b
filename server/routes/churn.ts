import { AT_RISK_CSV_COLUMNS, atRiskCsvLine } from '../../models/churn/at-risk-csv.ts';
import { atRiskPage, atRiskQuery, atRiskRow } from '../../services/at-risk.ts';
import { pickFilter } from '../../services/customer-filter.ts';
import { playbookInForce } from '../../services/next-action.ts';
import type { AtRiskAnswer, AtRiskQuery } from '../contracts.ts';
import type { RouteInput } from '../context.ts';
import { csvDownload } from '../csv-download.ts';

/**
 * GET /api/churn/at-risk: JSON (a page, with the filtered total; the same page is answered from the customer
 * cache until the tables or the playbook change), or a streamed CSV download of every filtered
 * row (server/csv-download.ts). Both are the at-risk list of services/at-risk.ts: the same rows, columns and
 * next best action as `tierlab churn at-risk`.
 */
export async function atRisk({ c, deps, query }: RouteInput<AtRiskQuery>): Promise<AtRiskAnswer | Response> {
  const options = { filter: pickFilter(query), limit: query.limit };
  if (query.format !== 'csv') {
    // Kept until the tables change (the cache is dropped then), under the playbook that chose its actions.
    const key = `at-risk:${playbookInForce(deps.home)}:${JSON.stringify(options)}`;
    const json = await deps.customers.answer(key, async () => JSON.stringify(await atRiskPage(deps.customers, deps.home, options)));
    return c.body(json, 200, { 'content-type': 'application/json' });
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
