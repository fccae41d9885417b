import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { badInput, notFound, TierlabError } from '../data/errors.ts';

/**
 * Notebooks, once: one pretty-printed JSON file a notebook under the runtime folder's `notebooks/`, listed,
 * read, saved with a version check, deleted. The API's notebook routes call these; the cells are the UI's
 * (web/src/notebook/model.ts), checked here for shape only.
 */

/** A stored notebook: its cells as the UI wrote them, `version` counted up by every save. */
export interface StoredNotebook {
  id: string;
  title: string;
  version: number;
  updated_at: string;
  cells: unknown[];
}

/** A notebook in the list; an unreadable one has its id as title and the reason in `error`. */
export interface NotebookListEntry {
  id: string;
  title: string;
  updated_at: string | null;
  error?: string;
}

export interface SaveNotebookOptions {
  home: string;
  id: string;
  title: string;
  cells: unknown[];
  /** The version this edit started from (0: a new notebook); omitted: replace whatever is stored. */
  base_version?: number;
}

const CELL_KINDS = ['markdown', 'sql', 'input', 'chart', 'view'];
/** Nesting deeper than this in a cell's options or value is refused: no view needs it, and a deep enough one overflows the stack. */
const MAX_DEPTH = 32;
const CELL_KEYS = ['id', 'kind', 'source', 'name', 'value', 'options'];
const MAX_NOTEBOOK_BYTES = 1024 * 1024;

const dirOf = (home: string) => join(home, 'notebooks');

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

function checkId(id: string): string {
  if (!SLUG.test(id)) throw badInput('notebook id must be a slug: a-z, 0-9 and -, at most 64 characters', { field: 'id' });
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

/** Is `value` nested deeper than `limit` levels of arrays and objects? Stops looking past the limit. */
function deeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit === 0) return true;
  return Object.values(value).some((child) => deeperThan(child, limit - 1));
}

function checkCells(cells: unknown[]): void {
  const ids = new Map<string, number>();
  cells.forEach((cell, i) => {
    const field = `cells[${i}]`;
    if (typeof cell !== 'object' || cell === null || Array.isArray(cell)) throw badInput(`${field} must be an object`, { field });
    const c = cell as Record<string, unknown>;
    for (const key of Object.keys(c)) if (!CELL_KEYS.includes(key)) throw badInput(`unknown field "${key}" in ${field}`, { field: `${field}.${key}` });
    if (typeof c.id !== 'string' || !c.id) throw badInput(`${field}.id must be a non-empty string`, { field: `${field}.id` });
    // The UI keys cells by id: two cells with one id would make the notebook impossible to open.
    const first = ids.get(c.id);
    if (first !== undefined) throw badInput(`${field}.id "${c.id}" is already the id of cells[${first}]; cell ids must be unique`, { field: `${field}.id` });
    ids.set(c.id, i);
    if (typeof c.kind !== 'string' || !CELL_KINDS.includes(c.kind)) throw badInput(`${field}.kind must be one of ${CELL_KINDS.join(', ')}`, { field: `${field}.kind` });
    if (c.source !== undefined && typeof c.source !== 'string') throw badInput(`${field}.source must be a string`, { field: `${field}.source` });
    if (c.name !== undefined && typeof c.name !== 'string') throw badInput(`${field}.name must be a string`, { field: `${field}.name` });
    if (c.options !== undefined && (typeof c.options !== 'object' || c.options === null || Array.isArray(c.options))) {
      throw badInput(`${field}.options must be an object`, { field: `${field}.options` });
    }
    for (const key of ['options', 'value'] as const) {
      if (deeperThan(c[key], MAX_DEPTH)) throw badInput(`${field}.${key} is nested more than ${MAX_DEPTH} levels deep`, { field: `${field}.${key}` });
    }
  });
}

const fileOf = (home: string, id: string) => join(dirOf(home), `${checkId(id)}.json`);

/**
 * The stored notebook, or undefined when there is none. A file that is not a notebook (edited by hand, cut
 * short by a full disk: not a JSON object, a title that is not text, cells that are not a list) is a 422 naming
 * the notebook, never a 500 and never handed to the UI: the API can still replace it.
 */
function stored(home: string, id: string): StoredNotebook | undefined {
  const file = fileOf(home, id);
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    parsed = undefined;
  }
  const problem =
    typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) ? 'not a JSON object'
    : typeof (parsed as Record<string, unknown>).title !== 'string' ? 'its title is not text'
    : !Array.isArray((parsed as Record<string, unknown>).cells) ? 'its cells are not a list'
    : undefined;
  if (problem) {
    throw new TierlabError('unprocessable', `notebook ${id} is stored but is not a readable notebook (${problem}); save it again without base_version to replace it`, { field: 'id' });
  }
  return parsed as StoredNotebook;
}

/**
 * One notebook; not_found when there is none, unprocessable when the file is not a notebook.
 *
 * @example
 * readNotebook(home, 'clusters-vs-rfm').cells.length;
 */
export function readNotebook(home: string, id: string): StoredNotebook {
  const notebook = stored(home, id);
  if (!notebook) throw notFound(`notebook ${id} does not exist`, { field: 'id' });
  return notebook;
}

/** Every notebook, newest first: files that are not notebooks are left out; an unreadable notebook is listed with its error. */
export function listNotebooks(home: string): NotebookListEntry[] {
  const dir = dirOf(home);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && SLUG.test(f.slice(0, -5)))
    .map((f): NotebookListEntry => {
      const id = f.slice(0, -5);
      try {
        const nb = readNotebook(home, id);
        return { id, title: nb.title, updated_at: nb.updated_at };
      } catch (error) {
        if (!(error instanceof TierlabError)) throw error;
        return { id, title: id, updated_at: null, error: error.message };
      }
    })
    .sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
}

/**
 * Saves a notebook, replaced atomically (temp file + rename). Every save counts `version` up; a save that says
 * which version it started from (`base_version`) is refused when another save came in between, so two people
 * editing one notebook never silently overwrite each other. The check and the write are synchronous: no other
 * request can slip in between.
 *
 * @example
 * saveNotebook({ home, id: 'churn-review', title: 'Churn review', cells: [], base_version: 0 }).version; // 1
 */
export function saveNotebook(options: SaveNotebookOptions): StoredNotebook {
  const { home, base_version } = options;
  const id = checkId(options.id);
  checkCells(options.cells);
  // Without base_version a save replaces whatever is stored, an unreadable file too (the way to repair one).
  let saved: StoredNotebook | undefined;
  try {
    saved = stored(home, id);
  } catch (error) {
    if (!(error instanceof TierlabError) || base_version !== undefined) throw error;
  }
  const current = Number.isSafeInteger(saved?.version) ? saved!.version : 0;
  if (base_version !== undefined && base_version !== current) {
    const what = saved ? `saved again since (now version ${current})` : 'deleted since';
    throw new TierlabError('conflict', `notebook ${id} was ${what}; this edit started from version ${base_version}`, { field: 'base_version' }, {
      version: current,
      updated_at: saved?.updated_at ?? null,
      title: saved?.title ?? null,
    });
  }
  const notebook: StoredNotebook = { id, title: options.title, version: current + 1, updated_at: new Date().toISOString(), cells: options.cells };
  const text = `${JSON.stringify(stable(notebook), null, 2)}\n`;
  if (Buffer.byteLength(text) > MAX_NOTEBOOK_BYTES) throw badInput('a notebook must be at most 1 MB', { field: 'cells' });
  const dir = dirOf(home);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${id}.${process.pid}.${Date.now()}.tmp`);
  writeFileSync(temp, text);
  renameSync(temp, fileOf(home, id));
  return notebook;
}

/** Deletes a notebook; an unreadable one can be deleted too. */
export function deleteNotebook(home: string, id: string): void {
  const file = fileOf(home, id);
  if (!existsSync(file)) throw notFound(`notebook ${id} does not exist`, { field: 'id' });
  rmSync(file);
}
