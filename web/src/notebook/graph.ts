/**
 * The notebook as a dependency graph: a SQL cell reads the named SQL cells it mentions (`FROM top_customers`)
 * and the inputs it uses (`:threshold`); view cells read inputs. From it: what a cell's query must carry (the
 * cells it reads, each before its readers), what to re-run after a change (exactly the dependants, in order),
 * and cycles, which are refused with the path that closes them.
 */
import type { Cell, Notebook, SqlCell } from './model.ts';
import { t } from '../i18n/index.svelte.ts';
import { cellInputs, sqlCodeWords } from './params.ts';

/** A cell that reads itself through others; the message names the loop. */
export class CycleError extends Error {
  constructor(readonly path: string[]) {
    super(t('notebook.cycle', { path: path.join(' → ') }));
    this.name = 'CycleError';
  }
}

/** The named SQL cells of a notebook by lower-case name. */
function namedCells(notebook: Notebook): Map<string, SqlCell> {
  const byName = new Map<string, SqlCell>();
  for (const cell of notebook.cells) if (cell.kind === 'sql' && cell.name) byName.set(cell.name.toLowerCase(), cell);
  return byName;
}

/**
 * The named SQL cells a cell mentions in its code (not in strings or comments), in order of first mention.
 *
 * @example
 * cellReads(notebook, { id: 'b', kind: 'sql', source: 'SELECT * FROM top_customers' }); // [the top_customers cell]
 */
export function cellReads(notebook: Notebook, cell: Cell): SqlCell[] {
  if (cell.kind !== 'sql') return [];
  const byName = namedCells(notebook);
  const reads: SqlCell[] = [];
  for (const word of sqlCodeWords(cell.source)) {
    const target = byName.get(word.toLowerCase());
    if (target && target.id !== cell.id && !reads.includes(target)) reads.push(target);
  }
  return reads;
}

/**
 * Every cell a cell reads, directly or through others, each before the cells that read it: what its query sends
 * as `cells`. Throws CycleError when the cell reads itself.
 *
 * @example
 * upstream(notebook, cell).map((c) => c.name); // ['orders_2024', 'top_customers']
 */
export function upstream(notebook: Notebook, cell: Cell): SqlCell[] {
  const order: SqlCell[] = [];
  const visit = (current: Cell, path: Cell[]) => {
    for (const read of cellReads(notebook, current)) {
      if (read.id === cell.id || path.includes(read)) throw new CycleError([...path, read].map(label));
      if (order.includes(read)) continue;
      visit(read, [...path, read]);
      order.push(read);
    }
  };
  visit(cell, [cell]);
  return order;
}

const label = (cell: Cell) => (cell.kind === 'sql' && cell.name) || cell.id;

/**
 * The cells to re-run after the given cells changed, or the given inputs: exactly those that read them, directly
 * or through other cells, each after the ones it reads (notebook order among equals). The changed cells
 * themselves are not in it. Cells caught in a cycle come last; running them shows the cycle error.
 *
 * @example
 * dependants(notebook, { cells: ['c1'] }).map((c) => c.id); // ['c2', 'c4']
 * dependants(notebook, { inputs: ['threshold'] });
 */
export function dependants(notebook: Notebook, changed: { cells?: string[]; inputs?: string[] }): Cell[] {
  const reads = new Map(notebook.cells.map((cell) => [cell.id, cellReads(notebook, cell)]));
  const dirty = new Set<string>(changed.cells ?? []);
  const inputs = new Set(changed.inputs ?? []);
  for (const cell of notebook.cells) if (cellInputs(cell).some((name) => inputs.has(name))) dirty.add(cell.id);
  // Spread along "is read by" until nothing new is reached.
  for (let grew = true; grew; ) {
    grew = false;
    for (const cell of notebook.cells) {
      if (!dirty.has(cell.id) && reads.get(cell.id)!.some((read) => dirty.has(read.id))) {
        dirty.add(cell.id);
        grew = true;
      }
    }
  }
  for (const id of changed.cells ?? []) dirty.delete(id);
  // Kahn's order over the dirty cells: a cell once none of the dirty cells it reads is still waiting.
  const waiting = notebook.cells.filter((cell) => dirty.has(cell.id));
  const order: Cell[] = [];
  while (waiting.length) {
    const next = waiting.findIndex((cell) => !reads.get(cell.id)!.some((read) => waiting.includes(read)));
    if (next < 0) return [...order, ...waiting];
    order.push(...waiting.splice(next, 1));
  }
  return order;
}

/**
 * The first table (or cell) a query reads, as written after its first FROM; undefined when none.
 *
 * @example
 * firstTable('SELECT * FROM customer_analytics WHERE x'); // 'customer_analytics'
 */
export function firstTable(source: string): string | undefined {
  return /\bfrom\s+([A-Za-z_][A-Za-z0-9_]*)/i.exec(source)?.[1];
}

/**
 * A name for a new SQL cell that no other cell uses: from its first table, e.g. `customer_analytics_2`.
 *
 * @example
 * freeCellName(notebook, 'SELECT * FROM customers'); // 'customers_1'
 */
export function freeCellName(notebook: Notebook, source: string): string {
  const table = firstTable(source)?.toLowerCase() ?? 'query';
  const taken = new Set([...namedCells(notebook).keys()]);
  for (let i = 1; ; i++) if (!taken.has(`${table}_${i}`)) return `${table}_${i}`;
}
