import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { badInput, notFound, TierlabError } from '../data/errors.ts';
import type { RouteInput } from './context.ts';
import type { Schema } from './validate.ts';

export const NOTEBOOK_BODY: Schema = {
  title: { type: 'string', required: true, maxLength: 200 },
  cells: { type: 'array', required: true, maxItems: 500, description: 'cells: {id, kind, source?, name?, value?, options?}' },
  base_version: { type: 'integer', min: 0, description: 'the version this edit started from (0: a new notebook); a save over another version is refused with 409. Omitted: replace whatever is stored' },
};

const CELL_KINDS = ['markdown', 'sql', 'input', 'chart', 'view'];
const CELL_KEYS = ['id', 'kind', 'source', 'name', 'value', 'options'];
const MAX_NOTEBOOK_BYTES = 1024 * 1024;

const dirOf = (home: string) => join(home, 'notebooks');

function checkId(id: string): string {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/.test(id)) throw badInput('notebook id must be a slug: a-z, 0-9 and -, at most 64 characters', { field: 'id' });
  return id;
}

/** Keys sorted at every level: the same notebook always writes the same bytes, so files diff cleanly. */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, stable((value as Record<string, unknown>)[k])]));
  }
  return value;
}

function checkCells(cells: unknown[]): void {
  cells.forEach((cell, i) => {
    const field = `cells[${i}]`;
    if (typeof cell !== 'object' || cell === null || Array.isArray(cell)) throw badInput(`${field} must be an object`, { field });
    const c = cell as Record<string, unknown>;
    for (const key of Object.keys(c)) if (!CELL_KEYS.includes(key)) throw badInput(`unknown field "${key}" in ${field}`, { field: `${field}.${key}` });
    if (typeof c.id !== 'string' || !c.id) throw badInput(`${field}.id must be a non-empty string`, { field: `${field}.id` });
    if (typeof c.kind !== 'string' || !CELL_KINDS.includes(c.kind)) throw badInput(`${field}.kind must be one of ${CELL_KINDS.join(', ')}`, { field: `${field}.kind` });
    if (c.source !== undefined && typeof c.source !== 'string') throw badInput(`${field}.source must be a string`, { field: `${field}.source` });
    if (c.name !== undefined && typeof c.name !== 'string') throw badInput(`${field}.name must be a string`, { field: `${field}.name` });
  });
}

function read(home: string, id: string): Record<string, unknown> {
  const file = join(dirOf(home), `${checkId(id)}.json`);
  if (!existsSync(file)) throw notFound(`notebook ${id} does not exist`, { field: 'id' });
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

export async function listNotebooks({ deps }: RouteInput) {
  const dir = dirOf(deps.home);
  if (!existsSync(dir)) return { notebooks: [] };
  const notebooks = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const nb = read(deps.home, f.slice(0, -5));
      return { id: nb.id, title: nb.title, updated_at: nb.updated_at };
    })
    .sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
  return { notebooks };
}

export async function getNotebook({ deps, params }: RouteInput) {
  return read(deps.home, params.id);
}

/**
 * PUT /api/notebooks/:id: one pretty-printed JSON file a notebook, replaced atomically (temp file + rename).
 * Every save counts `version` up; a save that says which version it started from (`base_version`) is refused
 * when another save came in between, so two people editing one notebook never silently overwrite each other.
 * The check and the write run without an await between them: no other request can slip in.
 */
export async function putNotebook({ deps, params, body }: RouteInput) {
  const id = checkId(params.id);
  checkCells(body.cells);
  const stored = existsSync(join(dirOf(deps.home), `${id}.json`)) ? read(deps.home, id) : undefined;
  const current = Number(stored?.version ?? 0);
  if (body.base_version !== undefined && body.base_version !== current) {
    const what = stored ? `saved again since (now version ${current})` : 'deleted since';
    throw new TierlabError('conflict', `notebook ${id} was ${what}; this edit started from version ${body.base_version}`, { field: 'base_version' }, {
      version: current,
      updated_at: stored?.updated_at ?? null,
      title: stored?.title ?? null,
    });
  }
  const notebook = { id, title: body.title, version: current + 1, updated_at: new Date().toISOString(), cells: body.cells };
  const text = `${JSON.stringify(stable(notebook), null, 2)}\n`;
  if (Buffer.byteLength(text) > MAX_NOTEBOOK_BYTES) throw badInput('a notebook must be at most 1 MB', { field: 'cells' });
  const dir = dirOf(deps.home);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${id}.${process.pid}.${Date.now()}.tmp`);
  writeFileSync(temp, text);
  renameSync(temp, join(dir, `${id}.json`));
  return notebook;
}

export async function deleteNotebook({ c, deps, params }: RouteInput) {
  read(deps.home, params.id);
  rmSync(join(dirOf(deps.home), `${checkId(params.id)}.json`));
  return c.body(null, 204);
}
