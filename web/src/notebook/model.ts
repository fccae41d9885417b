/**
 * The notebook document: cells and their settings, nothing about results. What is saved on the server;
 * the shape follows server/API.md: `{id, kind, source?, name?, value?, options?}` per cell.
 */
import { t } from '../i18n/index.svelte.ts';

export type ChartType = 'bar' | 'line' | 'scatter' | 'heatmap';

/** An optional chart drawn from a SQL result: which columns go where. */
export interface ChartSpec {
  type: ChartType;
  x: string;
  y: string;
  /** Series for bar/line/scatter; the cell value for a heatmap. */
  color?: string;
}

export interface MarkdownCell {
  id: string;
  kind: 'markdown';
  source: string;
}

export interface SqlCell {
  id: string;
  kind: 'sql';
  /** The name later cells read this cell's result by (`FROM top_customers`); a plain SQL name. */
  name?: string;
  source: string;
  options?: { chart?: ChartSpec };
}

export type InputControl = 'slider' | 'number' | 'select' | 'date';

export interface InputOptions {
  control: InputControl;
  label?: string;
  min?: number;
  max?: number;
  step?: number;
  /** Choices for a select. */
  choices?: string[];
}

export interface InputCell {
  id: string;
  kind: 'input';
  /** The parameter name SQL and view cells refer to as `:name` or `$name`. */
  name: string;
  value: string | number;
  options: InputOptions;
}

/** A built-in analysis; a string param value `$name` (or `:name`) takes the value of the input named so. */
export interface ViewCell {
  id: string;
  kind: 'view';
  options: { view: string; params: Record<string, string | number> };
}

export type Cell = MarkdownCell | SqlCell | InputCell | ViewCell;
export type CellKind = Cell['kind'];

export interface Notebook {
  id: string;
  title: string;
  /** The server's save count; a save names it so that one over someone else's newer save is refused. */
  version?: number;
  updated_at?: string;
  cells: Cell[];
}

/** A notebook in the list. */
export interface NotebookEntry {
  id: string;
  title: string;
  updated_at: string;
}

/** A fresh cell id that stays short in the saved text. */
export function newId(prefix = 'c'): string {
  return `${prefix}${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * A notebook id (the server wants a slug `[a-z0-9-]{1,64}`) from a title, with a random tail so copies differ.
 *
 * @example
 * notebookId('Clusters vs RFM tiers'); // 'clusters-vs-rfm-tiers-k3f9a'
 */
export function notebookId(title: string): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50);
  return `${slug || 'notebook'}-${Math.random().toString(36).slice(2, 7)}`;
}

/**
 * A new cell of a kind with sensible starting content.
 *
 * @example
 * notebook.cells.push(newCell('sql'));
 */
export function newCell(kind: CellKind, taken: string[] = []): Cell {
  const id = newId();
  switch (kind) {
    case 'markdown':
      return { id, kind, source: t('notebook.newText') };
    case 'sql':
      return { id, kind, source: 'SELECT rfm_segment, count(*) AS customers\nFROM customer_analytics\nGROUP BY 1\nORDER BY 2 DESC' };
    case 'input':
      return { id, kind, name: freeName('x', taken), value: 10, options: { control: 'number' } };
    case 'view':
      return { id, kind, options: { view: 'dataset-summary', params: {} } };
  }
}

function freeName(base: string, taken: string[]): string {
  for (let i = 1; ; i++) if (!taken.includes(`${base}${i}`)) return `${base}${i}`;
}

/** The input names already used in a notebook, so a new input gets a free one. */
export function inputNames(notebook: Notebook): string[] {
  return notebook.cells.flatMap((cell) => (cell.kind === 'input' ? [cell.name] : []));
}
