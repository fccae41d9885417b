import { api, ApiError } from '../api.ts';
import { t } from '../i18n/index.svelte.ts';
import { NotReadyError } from '../views/ready.ts';
import { VIEWS } from '../views/index.ts';
import type { Cell, Notebook } from './model.ts';
import { cellReads, dependants, upstream } from './graph.ts';
import type { SqlResult } from '../../../server/contracts.ts';
import { inputValues, resolveViewParams, sqlParamValues } from './params.ts';

/** Where a SQL error is in the cell's text, when the server could tell (server/API.md, "Errors that point"). */
export interface ErrorPosition {
  position?: number;
  line: number;
  column: number;
  /** Set when the mistake is in a cell this one reads. */
  cell?: string;
}

/** `empty`: the data behind a view is not built yet, which is a state to show, not an error. */
export type CellStatus = 'idle' | 'running' | 'done' | 'empty' | 'error';

export interface CellRun {
  status: CellStatus;
  result?: unknown;
  error?: string;
  errorAt?: ErrorPosition;
  /** Wall time of the last run in the browser. */
  ms?: number;
}

/** Rows per SQL answer the UI asks for; the table pages through them. */
export const SQL_ROW_LIMIT = 5000;

async function execute(cell: Cell, notebook: Notebook): Promise<unknown> {
  const inputs = inputValues(notebook);
  switch (cell.kind) {
    case 'sql': {
      // The cells it reads travel with it (each before its readers); the server runs them as CTEs.
      const reads = upstream(notebook, cell);
      const params = Object.assign({}, ...[...reads, cell].map((c) => sqlParamValues(c.source, inputs)));
      const cells = reads.length ? reads.map((c) => ({ name: c.name!, sql: c.source })) : undefined;
      return api<SqlResult>('/api/sql', { method: 'POST', body: { sql: cell.source, params, limit: SQL_ROW_LIMIT, cells } });
    }
    case 'view': {
      const view = VIEWS[cell.options.view];
      if (!view) throw new Error(t('cell.unknownView', { view: cell.options.view }));
      return view.load(resolveViewParams({ ...view.params, ...cell.options.params }, inputs));
    }
    default:
      return undefined;
  }
}

/**
 * Runs a notebook's cells and keeps each cell's status, result and error apart, so one failure or a slow
 * cell never blocks the others. A newer run of a cell wins over an older one still in flight.
 *
 * @example
 * const runtime = new NotebookRuntime(() => notebook);
 * await runtime.runAll();
 * runtime.inputChanged('threshold'); // re-runs only the cells that use :threshold
 */
export class NotebookRuntime {
  // Raw, replaced a cell at a time: results are read-only data, and deep proxies over thousands of points and
  // rows cost more than the charts drawing them.
  runs: Record<string, CellRun> = $state.raw({});
  #generation: Record<string, number> = {};

  constructor(private readonly notebook: () => Notebook) {}

  /** The run state of a cell; idle until it runs. */
  of(id: string): CellRun {
    return this.runs[id] ?? { status: 'idle' };
  }

  async run(cell: Cell): Promise<void> {
    const generation = (this.#generation[cell.id] ?? 0) + 1;
    this.#generation[cell.id] = generation;
    this.#set(cell.id, { status: 'running', result: this.runs[cell.id]?.result });
    const start = performance.now();
    let run: CellRun;
    try {
      run = { status: 'done', result: await execute(cell, this.notebook()) };
    } catch (error) {
      const notReady = error instanceof NotReadyError || (error instanceof ApiError && error.notReady);
      const errorAt = error instanceof ApiError ? (error.details as ErrorPosition | undefined) : undefined;
      run = { status: notReady ? 'empty' : 'error', error: error instanceof Error ? error.message : String(error), errorAt: errorAt?.line ? errorAt : undefined };
    }
    if (this.#generation[cell.id] !== generation) return;
    this.#set(cell.id, { ...run, ms: performance.now() - start });
  }

  #set(id: string, run: CellRun): void {
    this.runs = { ...this.runs, [id]: run };
  }

  /** Runs every cell at once; each finishes on its own. */
  async runAll(): Promise<void> {
    await Promise.all(this.notebook().cells.map((cell) => this.run(cell)));
  }

  /** Runs a cell, then exactly the cells that read it (directly or through others), each after what it reads. */
  async runWithDependants(cell: Cell): Promise<void> {
    await this.run(cell);
    await this.#runInOrder(dependants(this.notebook(), { cells: [cell.id] }));
  }

  /** Re-runs exactly the cells that use the input, and the cells that read those, in order. */
  async inputChanged(name: string): Promise<void> {
    await this.#runInOrder(dependants(this.notebook(), { inputs: [name] }));
  }

  /** Runs cells given in dependency order: each starts once the cells of the list it reads have finished. */
  async #runInOrder(cells: Cell[]): Promise<void> {
    const finished = new Map<string, Promise<void>>();
    for (const cell of cells) {
      const before = cellReads(this.notebook(), cell).flatMap((read) => finished.get(read.id) ?? []);
      finished.set(cell.id, Promise.all(before).then(() => this.run(cell)));
    }
    await Promise.all(finished.values());
  }

  /** Forgets a deleted cell. */
  forget(id: string): void {
    const { [id]: _forgotten, ...rest } = this.runs;
    this.runs = rest;
    delete this.#generation[id];
  }

  /** True when no cell is running and every cell has run: the notebook is fully rendered. */
  get settled(): boolean {
    return this.notebook().cells.every((cell) => {
      const status = this.of(cell.id).status;
      return status !== 'running' && status !== 'idle';
    });
  }
}
