import type { Cell, Notebook } from './model.ts';

const CELL_KINDS = new Set(['markdown', 'sql', 'input', 'view']);

// Keys in this order first, the rest alphabetically: the saved text reads id/kind first and diffs cleanly.
const KEY_ORDER = ['id', 'kind', 'title', 'name', 'value', 'source', 'options', 'cells'];

function rank(key: string): number {
  const index = KEY_ORDER.indexOf(key);
  return index < 0 ? KEY_ORDER.length : index;
}

/** A deep copy with keys in a stable order and undefined values dropped. */
function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, ordered(v)]));
}

/**
 * The body saved with `PUT /api/notebooks/:id`: title and cells with a stable key order, no run results.
 *
 * @example
 * await api(`/api/notebooks/${nb.id}`, { method: 'PUT', body: notebookDocument(nb) });
 */
export function notebookDocument(notebook: Notebook): { title: string; cells: Cell[] } {
  return ordered({ title: notebook.title, cells: notebook.cells }) as { title: string; cells: Cell[] };
}

/**
 * The saved text of a notebook, as a file would hold it: two-space JSON with a trailing newline.
 *
 * @example
 * serializeNotebook(nb).split('\n')[1]; // '  "id": "clusters-vs-rfm-tiers",'
 */
export function serializeNotebook(notebook: Notebook): string {
  return JSON.stringify(ordered({ id: notebook.id, title: notebook.title, cells: notebook.cells }), null, 2) + '\n';
}

/**
 * A notebook from its JSON (server answer or file), checked enough that the UI can trust its shape.
 *
 * @example
 * const nb = parseNotebook(await api('/api/notebooks/retention'));
 */
export function parseNotebook(raw: unknown): Notebook {
  const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Partial<Notebook> | null;
  if (!doc || typeof doc.id !== 'string' || !Array.isArray(doc.cells)) throw new Error('not a notebook: needs an id and cells');
  // A copy: the source may be a shared object (an imported default), which must stay as shipped.
  const cells = (JSON.parse(JSON.stringify(doc.cells)) as Cell[]).filter((cell) => !!cell && typeof cell.id === 'string' && CELL_KINDS.has(cell.kind));
  for (const cell of cells) {
    if (cell.kind === 'view') cell.options = { view: cell.options?.view ?? 'dataset-summary', params: cell.options?.params ?? {} };
    if (cell.kind === 'input') cell.options = { ...cell.options, control: cell.options?.control ?? 'number' };
    if (cell.kind === 'sql' || cell.kind === 'markdown') cell.source = cell.source ?? '';
  }
  return { id: doc.id, title: doc.title ?? doc.id, version: typeof doc.version === 'number' ? doc.version : undefined, updated_at: doc.updated_at, cells };
}
