/**
 * Workspace settings every user sees the same: for now the currency money is shown in (the data sets carry
 * amounts without one). One small JSON file in TIERLAB_HOME, replaced atomically; no file means the defaults.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TierlabError } from '../../data/errors.ts';
import type { Workspace, WorkspaceRequest } from '../contracts.ts';
import type { RouteInput } from '../context.ts';
import type { Values } from '../validate.ts';

/** No currency until an admin sets one: a wrong symbol would be worse than none. */
export const DEFAULT_WORKSPACE: Workspace = { currency: '', currency_display: 'symbol', currency_decimals: 2, language: '' };

const fileOf = (home: string) => join(home, 'workspace.json');

function readWorkspace(home: string): Workspace {
  if (!existsSync(fileOf(home))) return DEFAULT_WORKSPACE;
  try {
    return { ...DEFAULT_WORKSPACE, ...(JSON.parse(readFileSync(fileOf(home), 'utf8')) as Partial<Workspace>) };
  } catch {
    throw new TierlabError('unprocessable', 'workspace.json cannot be read; save the settings again to replace it', { file: 'workspace.json' });
  }
}

/** GET /api/workspace: the settings, defaults filled in. */
export async function getWorkspace({ deps }: RouteInput): Promise<Workspace> {
  return readWorkspace(deps.home);
}

/**
 * Changes the given settings of the workspace in `home`, keeps the rest (an unreadable file is replaced);
 * returns the whole new settings. The Chinese demo sets `language` here.
 *
 * @example
 * writeWorkspace(home, { language: 'zh' });
 */
export function writeWorkspace(home: string, changes: Partial<Workspace>): Workspace {
  let current: Workspace;
  try {
    current = readWorkspace(home);
  } catch {
    current = DEFAULT_WORKSPACE;
  }
  const next: Workspace = { ...current, ...changes };
  const temp = `${fileOf(home)}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(next, null, 2)}\n`);
  renameSync(temp, fileOf(home));
  return next;
}

/** PUT /api/workspace: changes the given settings, keeps the rest; answers the whole new settings. */
export async function putWorkspace({ deps, body }: RouteInput<Values, WorkspaceRequest>): Promise<Workspace> {
  return writeWorkspace(deps.home, body as Partial<Workspace>);
}
