import { readPlaybook, savePlaybook } from '../../models/playbooks/index.ts';
import type { PlaybookQuery, PlaybookRequest } from '../contracts.ts';
import type { RouteInput } from '../context.ts';
import type { Values } from '../validate.ts';
import { forgetPlaybook } from '../../services/next-action.ts';

/** GET /api/playbook: the playbook in force (or an earlier version), with the rule precedence it is read with. */
export async function getPlaybook({ deps, query }: RouteInput<PlaybookQuery>) {
  return readPlaybook(deps.home, query.version);
}

/** PUT /api/playbook: saves a new version; next best actions use it from the next request on. */
export async function putPlaybook({ deps, body }: RouteInput<Values, PlaybookRequest>) {
  const saved = savePlaybook(deps.home, body.rules, body.base_version);
  forgetPlaybook(deps.home);
  return saved;
}
