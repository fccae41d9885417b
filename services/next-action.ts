import { nextBestActions, playbookVersions, readPlaybook, type NextBestAction, type TierRow } from '../models/playbooks/index.ts';

type Matcher = (row: TierRow) => NextBestAction | null;

/** How long a looked-up playbook version is trusted: the customer page is a hot route, a folder listing is not free. */
const RECHECK_MS = 1000;

/** The matcher of the newest playbook per runtime folder: parsed once per saved version, not per request. */
const matchers = new Map<string, { version: number; checkedAt: number; match: Matcher }>();

/**
 * The next-best-action function of the playbook in force (models/playbooks/next-action.ts): the profile, the
 * at-risk list, the alerts and every export call it, so they always agree. A save through the API is seen at
 * once (forgetPlaybook); one from `tierlab playbook` within a second.
 *
 * @example
 * const nba = nextActionOf(deps.home);
 * nba(row)?.name;
 */
export function nextActionOf(home: string): Matcher {
  const now = Date.now();
  const cached = matchers.get(home);
  if (cached && now - cached.checkedAt < RECHECK_MS) return cached.match;
  const version = playbookVersions(home).at(-1) ?? 0;
  const match = cached?.version === version ? cached.match : nextBestActions(readPlaybook(home, version).rules);
  matchers.set(home, { version, checkedAt: now, match });
  return match;
}

/** Drops the cached matcher of a runtime folder (after a save). */
export function forgetPlaybook(home: string): void {
  matchers.delete(home);
}
