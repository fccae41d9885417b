import { api, ApiError } from '../api.ts';
import { NotReadyError } from '../views/ready.ts';
import { VIEWS } from '../views/index.ts';
import type { Cell, Notebook } from './model.ts';
import { dependents, inputValues, resolveViewParams, sqlParamValues } from './params.ts';

/** The answer of `POST /api/sql`. */
export interface SqlResult {
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
  row_count: number;
  truncated: boolean;
  elapsed_ms: number;
}

/** `empty`: the data behind a view is not built yet, which is a state to show, not an error. */
export type CellStatus = 'idle' | 'running' | 'done' | 'empty' | 'error';

export interface CellRun {
  status: CellStatus;
  result?: unknown;
  error?: string;
  /** Wall time of the last run in the browser. */
  ms?: number;
}

/** Rows per SQL answer the UI asks for; the table pages through them. */
export const SQL_ROW_LIMIT = 5000;

async function execute(cell: Cell, notebook: Notebook): Promise<unknown> {
  const inputs = inputValues(notebook);
  switch (cell.kind) {
    case 'sql':
      return api<SqlResult>('/api/sql', { method: 'POST', body: { sql: cell.source, params: sqlParamValues(cell.source, inputs), limit: SQL_ROW_LIMIT } });
    case 'view': {
      const view = VIEWS[cell.options.view];
      if (!view) throw new Error(`unknown view "${cell.options.view}"`);
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
      run = { status: notReady ? 'empty' : 'error', error: error instanceof Error ? error.message : String(error) };
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

  /** Re-runs exactly the cells that mention the input. */
  async inputChanged(name: string): Promise<void> {
    await Promise.all(dependents(this.notebook(), name).map((cell) => this.run(cell)));
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
