import { readPlaybook, savePlaybook } from '../../models/playbooks/index.ts';
import type { RouteInput } from '../context.ts';
import { forgetPlaybook } from '../../services/next-action.ts';
import type { Schema } from '../validate.ts';

export const PLAYBOOK_QUERY: Schema = {
  version: { type: 'integer', min: 0, description: 'an earlier saved version (0: the default playbook); default the newest' },
};

export const PLAYBOOK_BODY: Schema = {
  rules: { type: 'array', required: true, maxItems: 500, description: 'rules: [{id, dimension, value, risk_band, action: {name, channel, owner_role, offer, budget_per_customer, service_level_days, note}}]' },
  base_version: { type: 'integer', min: 0, description: 'the version this edit started from; a save over a newer version is refused with 409' },
};

/** GET /api/playbook: the playbook in force (or an earlier version), with the rule precedence it is read with. */
export async function getPlaybook({ deps, query }: RouteInput) {
  return readPlaybook(deps.home, query.version);
}

/** PUT /api/playbook: saves a new version; next best actions use it from the next request on. */
export async function putPlaybook({ deps, body }: RouteInput) {
  const saved = savePlaybook(deps.home, body.rules, body.base_version);
  forgetPlaybook(deps.home);
  return saved;
}
