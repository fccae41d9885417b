import { DIMENSIONS, type NextBestAction, type Rule } from './types.ts';

/**
 * The rules in the order they are tried; the first that matches a customer gives the next best action.
 * Precedence: rules with a risk band first (the at-risk override), then by dimension (value tier, lifecycle
 * stage, RFM segment, cluster, any), then in the order the playbook lists them.
 *
 * @example
 * const ordered = precedence(playbook.rules);
 */
export function precedence(rules: Rule[]): Rule[] {
  const rank = (r: Rule) => (r.risk_band === null ? DIMENSIONS.length : 0) + DIMENSIONS.indexOf(r.dimension);
  return rules.map((rule, i) => ({ rule, i })).sort((a, b) => rank(a.rule) - rank(b.rule) || a.i - b.i).map((x) => x.rule);
}

/** One customer's row (of customer_analytics, or any row with its tier columns); missing columns match nothing. */
export type TierRow = object;

const asText = (value: unknown) => (value === null || value === undefined ? null : String(value));

function matches(rule: Rule, tiers: TierRow): boolean {
  const row = tiers as Record<string, unknown>;
  if (rule.risk_band !== null && asText(row.risk_band) !== rule.risk_band) return false;
  switch (rule.dimension) {
    case 'any':
      return true;
    case 'cluster':
      // Clusters are named by number or by name, whichever the rule author knew.
      return asText(row.cluster) === rule.value || asText(row.cluster_name) === rule.value;
    default:
      return asText(row[rule.dimension]) === rule.value;
  }
}

/**
 * A matcher over rows: the rules ordered once, then the first match per row (null when none matches).
 *
 * @example
 * const nba = nextBestActions(playbook.rules);
 * nba({ value_tier: 'VIP', risk_band: 'high' })?.rule_id; // 'vip-win-back'
 */
export function nextBestActions(rules: Rule[]): (row: TierRow) => NextBestAction | null {
  const ordered = precedence(rules);
  return (row) => {
    const rule = ordered.find((r) => matches(r, row));
    return rule ? { rule_id: rule.id, ...rule.action } : null;
  };
}
