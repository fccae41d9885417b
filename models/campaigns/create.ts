import { badInput, TierlabError } from '../../data/errors.ts';
import { seededRandom } from '../../data/random.ts';
import { ident, type Store } from '../../data/store.ts';
import { shuffleInPlace } from '../churn/random.ts';
import type { Action, Playbook } from '../playbooks/index.ts';
import { FILTER_KEYS, filterWhere, type CampaignFilter } from './filter.ts';

export const CAMPAIGN_DEFAULTS = { controlPercent: 10, horizonDays: 90 } as const;

export interface Campaign {
  campaign_id: number;
  name: string;
  created_at: string;
  /** Outcomes count from here (default: the creation time). */
  starts_at: string;
  horizon_days: number;
  filter: CampaignFilter;
  rule_id: string;
  action: Action;
  playbook_version: number;
  control_percent: number;
  seed: number;
  model_version: number | null;
  treatment_count: number;
  control_count: number;
}

export interface CreateCampaignOptions {
  name: string;
  filter: CampaignFilter;
  /** The playbook rule whose action the treatment group receives. */
  ruleId: string;
  playbook: Playbook;
  /** Share of the members held out as the control group, in percent (default 10). */
  controlPercent?: number;
  /** Seed of the control draw; default drawn at random. Recorded either way. */
  seed?: number;
  horizonDays?: number;
  /** ISO date or date-time (UTC) outcomes count from; default now. */
  startsAt?: string;
  /** The model version whose scores the members were drawn on (recorded). */
  modelVersion?: number | null;
}

/** The frozen columns of a member: what the customer was when the campaign began. */
const MEMBER_COLUMNS: Record<string, string> = {
  value_tier: 'value_tier', rfm_segment: 'rfm_segment', lifecycle_stage: 'lifecycle_stage', risk_band: 'risk_band',
  churn_probability: 'churn_probability', monetary: 'monetary', value_at_risk: 'value_at_risk',
};

/** A date or date-time as UTC: a date is its midnight, a date-time without an offset is read in UTC (never local time). */
function utcText(text: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return `${text}T00:00:00Z`;
  return /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? `${text}Z` : text;
}

function check(options: CreateCampaignOptions): { controlPercent: number; horizonDays: number; startsAt: string; seed: number } {
  if (!options.name?.trim() || options.name.length > 200) throw badInput('name must be 1 to 200 characters', { field: 'name' });
  const controlPercent = options.controlPercent ?? CAMPAIGN_DEFAULTS.controlPercent;
  if (!(controlPercent >= 0 && controlPercent <= 90)) throw badInput(`control_percent must be between 0 and 90, got ${controlPercent}`, { field: 'control_percent' });
  const horizonDays = options.horizonDays ?? CAMPAIGN_DEFAULTS.horizonDays;
  if (!Number.isInteger(horizonDays) || horizonDays < 1 || horizonDays > 730) throw badInput(`horizon_days must be a whole number from 1 to 730, got ${horizonDays}`, { field: 'horizon_days' });
  const starts = options.startsAt === undefined ? new Date() : new Date(utcText(options.startsAt));
  if (Number.isNaN(starts.getTime())) throw badInput(`starts_at must be a date (YYYY-MM-DD) or an ISO date-time, got "${options.startsAt}"`, { field: 'starts_at' });
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  if (!Number.isSafeInteger(seed) || seed < 0) throw badInput(`seed must be a whole number at least 0, got ${seed}`, { field: 'seed' });
  for (const key of Object.keys(options.filter)) if (!(FILTER_KEYS as readonly string[]).includes(key)) throw badInput(`unknown filter "${key}"; use ${FILTER_KEYS.join(', ')}`, { field: key });
  return { controlPercent, horizonDays, startsAt: starts.toISOString(), seed };
}

/** `FROM customer_analytics WHERE <filter>` with its parameters, and the view's columns. */
async function filteredCustomers(store: Store, filter: CampaignFilter) {
  if (!(await store.has('customer_analytics'))) throw new TierlabError('not_found', 'no customers with features yet: load data first');
  const columns = new Set((await store.all<{ column_name: string }>('DESCRIBE customer_analytics')).map((c) => c.column_name));
  const { where, params } = filterWhere(filter, columns);
  return { columns, params, filtered: `FROM customer_analytics ${where.length ? `WHERE ${where.join(' AND ')}` : ''}` };
}

/** The control group's size: round(members x percent / 100). */
const controlSize = (members: number, controlPercent: number) => Math.round((members * controlPercent) / 100);

/**
 * Which of the sorted member ids are held out: a seeded shuffle, the first round(n x percent / 100) of it.
 * The same ids, percent and seed always give the same control group.
 *
 * @example
 * controlGroup(['a', 'b', 'c', 'd'], 50, 7); // two of the four
 */
export function controlGroup(sortedIds: string[], controlPercent: number, seed: number): string[] {
  const order = shuffleInPlace(Int32Array.from(sortedIds.keys()), seededRandom(seed));
  const k = controlSize(sortedIds.length, controlPercent);
  return Array.from(order.subarray(0, k), (i) => sortedIds[i]);
}

/**
 * Creates a campaign: the customers passing the filter now, split into treatment and a seeded random control
 * group that receives nothing, each frozen with the tiers, risk and value they had. All of it in one
 * transaction on its own connection, so a failure leaves no half campaign and a request's reads are untouched.
 *
 * @example
 * const campaign = await createCampaign(store, { name: 'VIP win-back', filter: { value_tier: 'VIP', risk_band: 'high' }, ruleId: 'vip-win-back', playbook });
 */
export async function createCampaign(store: Store, options: CreateCampaignOptions): Promise<Campaign> {
  const { controlPercent, horizonDays, startsAt, seed } = check(options);
  const rule = options.playbook.rules.find((r) => r.id === options.ruleId);
  if (!rule) throw badInput(`the playbook (version ${options.playbook.version}) has no rule "${options.ruleId}"; its rules: ${options.playbook.rules.map((r) => r.id).join(', ')}`, { field: 'rule_id' });
  const { columns, filtered, params } = await filteredCustomers(store, options.filter);
  const pick = (column: string) => (columns.has(column) ? `a.${ident(column)}` : 'NULL');
  const cluster = columns.has('cluster_name') ? 'coalesce(CAST(a.cluster_name AS VARCHAR), CAST(a.cluster AS VARCHAR))' : pick('cluster');
  const work = await store.fork();
  try {
    return await work.transaction(async () => {
      const ids = (await work.all<{ customer_id: string }>(`SELECT customer_id ${filtered} ORDER BY customer_id`, params)).map((r) => r.customer_id);
      if (!ids.length) throw badInput('no customer passes this filter: a campaign needs members', { field: 'filter' });
      const control = controlGroup(ids, controlPercent, seed);
      const id = ((await work.one<{ n: number }>('SELECT coalesce(max(campaign_id), 0) + 1 AS n FROM campaigns'))?.n ?? 1);
      await work.run(
        `INSERT INTO campaigns VALUES ($id, $name, now(), CAST($starts AS TIMESTAMPTZ), $horizon, $filter, $rule, $action, $pbv, $pct, $seed, $model, $treatment, $control)`,
        {
          id, name: options.name.trim(), starts: startsAt, horizon: horizonDays, filter: JSON.stringify(options.filter), rule: rule.id, action: JSON.stringify(rule.action),
          pbv: options.playbook.version, pct: controlPercent, seed, model: options.modelVersion ?? null, treatment: ids.length - control.length, control: control.length,
        },
      );
      const frozen = Object.entries(MEMBER_COLUMNS).map(([name, column]) => `${pick(column)} AS ${name}`).join(', ');
      await work.run(
        `INSERT INTO campaign_members BY NAME
         SELECT $id AS campaign_id, a.customer_id, CASE WHEN c.customer_id IS NULL THEN 'treatment' ELSE 'control' END AS arm, ${cluster} AS cluster, ${frozen}
         FROM (SELECT * ${filtered}) a LEFT JOIN (SELECT unnest(from_json($control, '["VARCHAR"]')) AS customer_id) c USING (customer_id)`,
        { ...params, id, control: JSON.stringify(control) },
      );
      return (await getCampaign(work, id))!;
    });
  } finally {
    work.close();
  }
}

/**
 * How a campaign with this filter and control share would split now, before creating it: the same filter and the
 * same rounding as createCampaign.
 *
 * @example
 * await campaignPreview(store, { risk_band: 'high' }, 10); // { members: 1754, treatment: 1579, control: 175 }
 */
export async function campaignPreview(store: Store, filter: CampaignFilter, controlPercent: number = CAMPAIGN_DEFAULTS.controlPercent): Promise<{ members: number; treatment: number; control: number }> {
  if (!(controlPercent >= 0 && controlPercent <= 90)) throw badInput(`control_percent must be between 0 and 90, got ${controlPercent}`, { field: 'control_percent' });
  const { filtered, params } = await filteredCustomers(store, filter);
  const members = (await store.one<{ n: number }>(`SELECT count(*) AS n ${filtered}`, params))?.n ?? 0;
  const control = controlSize(members, controlPercent);
  return { members, treatment: members - control, control };
}

type CampaignRow = Omit<Campaign, 'filter' | 'action'> & { filter: string; action: string };

const SELECT = `SELECT campaign_id, name, created_at, starts_at, horizon_days, filter, rule_id, action, playbook_version, control_percent, seed, model_version, treatment_count, control_count FROM campaigns`;

const parsed = (row: CampaignRow): Campaign => ({ ...row, filter: JSON.parse(row.filter) as CampaignFilter, action: JSON.parse(row.action) as Action });

export async function getCampaign(store: Store, id: number): Promise<Campaign | undefined> {
  const row = await store.one<CampaignRow>(`${SELECT} WHERE campaign_id = $1`, [id]);
  return row && parsed(row);
}

/** Every campaign, newest first. */
export async function listCampaigns(store: Store): Promise<Campaign[]> {
  return (await store.all<CampaignRow>(`${SELECT} ORDER BY campaign_id DESC`)).map(parsed);
}
