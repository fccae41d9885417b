import type { Lang } from '../data/lang.ts';
import { reasonText } from '../models/churn/reason-words.ts';
import { domainValue, playbookText } from '../models/i18n/names.ts';
import type { AtRiskRow } from '../services/at-risk.ts';
import { cliWords } from './cli-words.ts';
import { displayWidth, pad } from './text-table.ts';

/**
 * The at-risk list for a person to read (`tierlab churn at-risk --format table`): one aligned line a customer,
 * names and reasons in `lang`, the reasons last so a long one never pushes the columns apart.
 *
 * @example
 * console.log(atRiskTable(rows, total, 'zh'));
 */
export function atRiskTable(rows: AtRiskRow[], total: number, lang: Lang): string {
  const words = cliWords(lang);
  const name = (column: string, value: string | null) => (value === null ? '-' : String(domainValue(column, value, lang)));
  const cells = rows.map((r) => [
    r.customer_id,
    r.churn_probability === null ? '-' : `${(r.churn_probability * 100).toFixed(1)}%`,
    name('risk_band', r.risk_band),
    r.value_at_risk === null ? '-' : r.value_at_risk.toFixed(2),
    name('rfm_segment', r.rfm_segment),
    name('value_tier', r.value_tier),
    r.next_best_action ? playbookText(r.next_best_action.name, lang) : '-',
    r.reasons.map((reason) => reasonText(reason, lang)).join(lang === 'zh' ? '；' : '; '),
  ]);
  const head = [words('customer'), words('risk'), words('band'), words('valueAtRisk'), words('segment'), words('tier'), words('nextAction'), words('reasons')];
  const numeric = [false, true, false, true, false, false, false, false];
  const widths = head.map((h, c) => Math.max(displayWidth(h), ...cells.map((row) => displayWidth(row[c]))));
  const line = (row: string[]) => row.map((text, c) => (c === row.length - 1 ? text : pad(text, widths[c], numeric[c] ? 'right' : 'left'))).join('  ');
  return [words('atRiskTotal', { shown: rows.length, total }), '', line(head), ...cells.map(line)].join('\n');
}
