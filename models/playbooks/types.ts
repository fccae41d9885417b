/** What a playbook is made of: rules that match a tier (and optionally a risk band) to an action. */

export const CHANNELS = ['call', 'email', 'sms', 'in_app', 'account_manager', 'none'] as const;
export type Channel = (typeof CHANNELS)[number];

/** The tier columns a rule can match, in the order they take precedence (see next-action.ts). */
export const DIMENSIONS = ['value_tier', 'lifecycle_stage', 'rfm_segment', 'cluster', 'any'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** What to do with a customer. Money is in the data's currency, per customer. */
export interface Action {
  name: string;
  channel: Channel;
  /** Who acts: a team or role in the business ("account manager", "retention team"), not a Tierlab role. */
  owner_role: string;
  /** The offer made, in words ("10% off the next order"), or null. */
  offer: string | null;
  /** The most to spend on one customer (offer plus contact), or null when not budgeted. */
  budget_per_customer: number | null;
  /** Days within which the customer should be contacted or served. */
  service_level_days: number;
  note: string;
}

export interface Rule {
  /** Unique in its playbook: campaigns and exports name the action by it. */
  id: string;
  dimension: Dimension;
  /** The tier value matched (a value tier, lifecycle stage, RFM segment, cluster number or name); none for `any`. */
  value: string | null;
  /** Only customers in this churn risk band; null matches every band (and customers without a score). */
  risk_band: string | null;
  action: Action;
}

export interface Playbook {
  /** Counts up with every save; 0 for the default playbook when none was saved. */
  version: number;
  updated_at: string | null;
  rules: Rule[];
}

/** A customer's next best action: the first matching rule's action, with the rule's id. */
export interface NextBestAction extends Action {
  rule_id: string;
}
