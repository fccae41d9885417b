import type { Action, Rule } from './types.ts';

const action = (a: Partial<Action> & Pick<Action, 'name' | 'channel' | 'owner_role' | 'service_level_days' | 'note'>): Action => ({ offer: null, budget_per_customer: null, ...a });

/**
 * The playbook Tierlab ships, from the practice of differentiated care per tier: VIP customers get a dedicated
 * manager, Key customers priority service, Growth potential targeted recommendations and an incentive to move
 * up, Standard customers standard service and self-service, Low value low-cost digital contact; customers in
 * the "high" risk band get a win-back action first, scaled to their value (README: "The default playbook").
 */
export const DEFAULT_RULES: Rule[] = [
  {
    id: 'vip-win-back', dimension: 'value_tier', value: 'VIP', risk_band: 'high',
    action: action({ name: 'Personal win-back call', channel: 'account_manager', owner_role: 'account manager', offer: 'personal offer chosen by the account manager', budget_per_customer: 100, service_level_days: 1, note: 'A VIP at high churn risk: the account manager calls within a day, asks what went wrong and fixes it.' }),
  },
  {
    id: 'key-win-back', dimension: 'value_tier', value: 'Key', risk_band: 'high',
    action: action({ name: 'Win-back call', channel: 'call', owner_role: 'retention team', offer: '15% off the next order', budget_per_customer: 40, service_level_days: 2, note: 'A Key customer at high churn risk: a retention call with a meaningful offer.' }),
  },
  {
    id: 'win-back', dimension: 'any', value: null, risk_band: 'high',
    action: action({ name: 'Win-back offer', channel: 'email', owner_role: 'retention team', offer: '10% off the next order', budget_per_customer: 10, service_level_days: 3, note: 'Every other customer at high churn risk: an automated win-back email with a modest incentive.' }),
  },
  {
    id: 'vip-care', dimension: 'value_tier', value: 'VIP', risk_band: null,
    action: action({ name: 'Dedicated manager', channel: 'account_manager', owner_role: 'account manager', offer: 'priority service and early access', budget_per_customer: 50, service_level_days: 1, note: 'VIP and strategic customers: a named manager, personal outreach, priority service.' }),
  },
  {
    id: 'key-care', dimension: 'value_tier', value: 'Key', risk_band: null,
    action: action({ name: 'Priority care', channel: 'call', owner_role: 'customer care', offer: 'priority service', budget_per_customer: 15, service_level_days: 2, note: 'Key customers: priority service and a regular care call.' }),
  },
  {
    id: 'grow', dimension: 'value_tier', value: 'Growth potential', risk_band: null,
    action: action({ name: 'Recommendations and incentive to move up', channel: 'email', owner_role: 'marketing', offer: 'spend-threshold reward', budget_per_customer: 8, service_level_days: 7, note: 'Growth potential: targeted recommendations and an incentive to buy more.' }),
  },
  {
    id: 'standard', dimension: 'value_tier', value: 'Standard', risk_band: null,
    action: action({ name: 'Standard service', channel: 'email', owner_role: 'marketing', service_level_days: 14, note: 'Standard customers: the regular newsletter and self-service channels.' }),
  },
  {
    id: 'low-value', dimension: 'value_tier', value: 'Low value', risk_band: null,
    action: action({ name: 'Low-cost digital contact', channel: 'in_app', owner_role: 'marketing', budget_per_customer: 0, service_level_days: 30, note: 'Low value customers: low-cost digital contact only; activate selectively.' }),
  },
];
