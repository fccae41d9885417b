import { nextBestActions, playbookVersions, readPlaybook, type NextBestAction, type TierRow } from '../models/playbooks/index.ts';

type Matcher = (row: TierRow) => NextBestAction | null;

/** The matcher of the newest playbook per runtime folder: parsed once per saved version, not per request. */
const matchers = new Map<string, { version: number; match: Matcher }>();

/**
 * The next-best-action function of the playbook in force (models/playbooks/next-action.ts): the profile, the
 * at-risk list and every export call it, so they always agree.
 *
 * @example
 * const nba = nextActionOf(deps.home);
 * nba(row)?.name;
 */
export function nextActionOf(home: string): Matcher {
  const version = playbookVersions(home).at(-1) ?? 0;
  const cached = matchers.get(home);
  if (cached?.version === version) return cached.match;
  const match = nextBestActions(readPlaybook(home, version).rules);
  matchers.set(home, { version, match });
  return match;
}
