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
  return inForce(home).match;
}

/**
 * The version of the playbook in force (0: the default, never saved), as `nextActionOf` sees it: an answer
 * that holds next best actions is kept under it (server/routes/churn.ts), so a save is never answered from
 * before it.
 *
 * @example
 * const key = `at-risk:${playbookInForce(deps.home)}:${filter}`;
 */
export function playbookInForce(home: string): number {
  return inForce(home).version;
}

function inForce(home: string): { version: number; match: Matcher } {
  const now = Date.now();
  const cached = matchers.get(home);
  if (cached && now - cached.checkedAt < RECHECK_MS) return cached;
  const version = playbookVersions(home).at(-1) ?? 0;
  const match = cached?.version === version ? cached.match : nextBestActions(readPlaybook(home, version).rules);
  const entry = { version, checkedAt: now, match };
  matchers.set(home, entry);
  return entry;
}

/** Drops the cached matcher of a runtime folder (after a save). */
export function forgetPlaybook(home: string): void {
  matchers.delete(home);
}
