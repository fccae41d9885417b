/** The playbook over the API (`/api/playbook`): tier and risk band to action (models/playbooks). */
import type { Playbook, Rule } from '../../../models/playbooks/types.ts';
import { api } from '../api.ts';

// The API's types are the model's (one definition); the constants are plain lists, bundled as they are.
export { CHANNELS, DIMENSIONS } from '../../../models/playbooks/types.ts';
export type { Action, Playbook, Rule } from '../../../models/playbooks/types.ts';

export const loadPlaybook = () => api<Playbook>('/api/playbook');

/** Saves a new version; a 409 when someone saved since `baseVersion`. */
export const savePlaybook = (rules: Rule[], baseVersion: number) => api<Playbook>('/api/playbook', { method: 'PUT', body: { rules, base_version: baseVersion } });

/** A new rule for the editor: matches nobody until its dimension and value are set. */
export function blankRule(existing: Rule[]): Rule {
  let n = existing.length + 1;
  while (existing.some((r) => r.id === `rule-${n}`)) n++;
  return { id: `rule-${n}`, dimension: 'value_tier', value: '', risk_band: null, action: { name: '', channel: 'email', owner_role: '', offer: null, budget_per_customer: null, service_level_days: 7, note: '' } };
}
