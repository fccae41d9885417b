import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TierlabError } from '../../data/errors.ts';
import { DEFAULT_RULES } from './default.ts';
import type { Playbook, Rule } from './types.ts';
import { parseRules } from './validate.ts';

/**
 * The playbook lives with the notebooks (`<home>/notebooks/playbook/`), one file per version (`v<N>.json`),
 * never overwritten: the newest is the playbook, the older ones are its history.
 */
const dirOf = (home: string) => join(home, 'notebooks', 'playbook');
const fileOf = (home: string, version: number) => join(dirOf(home), `v${version}.json`);

/** Saved versions, oldest first. */
export function playbookVersions(home: string): number[] {
  const dir = dirOf(home);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^v(\d+)\.json$/.exec(f)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * The playbook in force: the newest saved version, or the default (version 0) when none was saved.
 *
 * @example
 * const { rules, version } = readPlaybook(home);
 */
export function readPlaybook(home: string, version?: number): Playbook {
  const versions = playbookVersions(home);
  const wanted = version ?? versions.at(-1);
  if (wanted === undefined || wanted === 0) return { version: 0, updated_at: null, rules: DEFAULT_RULES };
  if (!versions.includes(wanted)) throw new TierlabError('not_found', `playbook version ${wanted} does not exist (saved: ${versions.join(', ') || 'none'})`, { field: 'version' });
  const file = fileOf(home, wanted);
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { updated_at?: string; rules?: unknown };
    return { version: wanted, updated_at: stored.updated_at ?? null, rules: parseRules(stored.rules) };
  } catch (error) {
    const why = error instanceof TierlabError ? error.describe() : 'not JSON';
    throw new TierlabError('unprocessable', `playbook version ${wanted} is stored but unreadable (${why}); save the playbook again`, { file: `playbook/v${wanted}.json` });
  }
}

/**
 * Saves `rules` (checked first) as the next version. With `baseVersion`, a save over a version saved since is
 * refused (409), as notebooks do, so two editors never silently overwrite each other. The file is written to a
 * temp name and hard-linked to its version's name, which fails when that exists: a version is whole or absent,
 * and two processes saving at once never replace each other's version.
 */
export function savePlaybook(home: string, rulesInput: unknown, baseVersion?: number): Playbook {
  const rules: Rule[] = parseRules(rulesInput);
  const current = playbookVersions(home).at(-1) ?? 0;
  if (baseVersion !== undefined && baseVersion !== current) {
    throw new TierlabError('conflict', `the playbook was saved again since (now version ${current}); this edit started from version ${baseVersion}`, { field: 'base_version' }, { version: current });
  }
  const playbook: Playbook = { version: current + 1, updated_at: new Date().toISOString(), rules };
  mkdirSync(dirOf(home), { recursive: true });
  const temp = join(dirOf(home), `.v${playbook.version}.${process.pid}.tmp`);
  writeFileSync(temp, `${JSON.stringify(playbook, null, 2)}\n`);
  try {
    linkSync(temp, fileOf(home, playbook.version));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    throw new TierlabError('conflict', `another save made version ${playbook.version} at the same time; load the playbook and try again`, { field: 'base_version' });
  } finally {
    rmSync(temp, { force: true });
  }
  return playbook;
}
