import { badInput } from '../../data/errors.ts';
import { CHANNELS, DIMENSIONS, type Action, type Rule } from './types.ts';

const RULE_ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const MAX_RULES = 500;
const MAX_TEXT = 500;

type Fields = Record<string, unknown>;

function object(value: unknown, field: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badInput(`${field} must be an object`, { field });
  return value as Fields;
}

function text(value: unknown, field: string, { nullable = false, allowEmpty = false } = {}): string | null {
  if (value === null || value === undefined) {
    if (nullable) return null;
    throw badInput(`${field} is required`, { field });
  }
  if (typeof value !== 'string') throw badInput(`${field} must be text`, { field });
  if (!allowEmpty && !value.trim()) throw badInput(`${field} must not be empty`, { field });
  if (value.length > MAX_TEXT) throw badInput(`${field} must be at most ${MAX_TEXT} characters`, { field });
  return value;
}

function number(value: unknown, field: string, { nullable = false, integer = false } = {}): number | null {
  if (value === null || value === undefined) {
    if (nullable) return null;
    throw badInput(`${field} is required`, { field });
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw badInput(`${field} must be a number at least 0`, { field });
  if (integer && !Number.isInteger(value)) throw badInput(`${field} must be a whole number`, { field });
  return value;
}

function unknownKeys(value: Fields, allowed: string[], field: string): void {
  for (const key of Object.keys(value)) if (!allowed.includes(key)) throw badInput(`unknown field "${key}" in ${field}`, { field: `${field}.${key}` });
}

const ACTION_KEYS = ['name', 'channel', 'owner_role', 'offer', 'budget_per_customer', 'service_level_days', 'note'];

export function parseAction(value: unknown, field: string): Action {
  const a = object(value, field);
  unknownKeys(a, ACTION_KEYS, field);
  if (!(CHANNELS as readonly unknown[]).includes(a.channel)) throw badInput(`${field}.channel must be one of ${CHANNELS.join(', ')}, got ${JSON.stringify(a.channel)}`, { field: `${field}.channel` });
  return {
    name: text(a.name, `${field}.name`)!,
    channel: a.channel as Action['channel'],
    owner_role: text(a.owner_role, `${field}.owner_role`)!,
    offer: text(a.offer, `${field}.offer`, { nullable: true }),
    budget_per_customer: number(a.budget_per_customer, `${field}.budget_per_customer`, { nullable: true }),
    service_level_days: number(a.service_level_days, `${field}.service_level_days`, { integer: true })!,
    note: text(a.note ?? '', `${field}.note`, { allowEmpty: true })!,
  };
}

/**
 * Checks a list of playbook rules (from the API, the CLI's file or the editor), naming the rule and field at
 * fault: ids unique slugs, a known dimension with a value (none for `any`), a known channel, numbers at least 0.
 *
 * @example
 * parseRules([{ id: 'vip', dimension: 'value_tier', value: 'VIP', risk_band: null, action: {...} }]);
 */
export function parseRules(value: unknown): Rule[] {
  if (!Array.isArray(value)) throw badInput('rules must be a list', { field: 'rules' });
  if (value.length > MAX_RULES) throw badInput(`a playbook has at most ${MAX_RULES} rules`, { field: 'rules' });
  const seen = new Map<string, number>();
  return value.map((item, i) => {
    const field = `rules[${i}]`;
    const r = object(item, field);
    unknownKeys(r, ['id', 'dimension', 'value', 'risk_band', 'action'], field);
    if (typeof r.id !== 'string' || !RULE_ID.test(r.id)) throw badInput(`${field}.id must be a slug: a-z, 0-9 and -, at most 64 characters`, { field: `${field}.id` });
    const first = seen.get(r.id);
    if (first !== undefined) throw badInput(`${field}.id "${r.id}" is already the id of rules[${first}]`, { field: `${field}.id` });
    seen.set(r.id, i);
    if (!(DIMENSIONS as readonly unknown[]).includes(r.dimension)) throw badInput(`${field}.dimension must be one of ${DIMENSIONS.join(', ')}`, { field: `${field}.dimension` });
    const dimension = r.dimension as Rule['dimension'];
    const tierValue = dimension === 'any' ? null : text(r.value, `${field}.value`);
    if (dimension === 'any' && r.value !== undefined && r.value !== null) throw badInput(`${field}.value must be null for dimension any`, { field: `${field}.value` });
    return { id: r.id, dimension, value: tierValue, risk_band: text(r.risk_band, `${field}.risk_band`, { nullable: true }), action: parseAction(r.action, `${field}.action`) };
  });
}
