/**
 * A churn model's work per row (probabilities, reasons) shared between this thread and worker threads. Scoring
 * a million customers is JavaScript work on one core while DuckDB's threads wait: at 1 M, 50 s of the churn
 * stage, 29 s of it TreeSHAP for the reasons. Each worker holds its own copy of the model and takes an equal
 * part of a table's rows; this thread takes the last part meanwhile. Every figure is per row and the parts keep
 * the rows' order, so the results are the same whatever the number of workers (test/churn/threads.test.ts);
 * with none it is the model's own calls on this thread.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FeatureTable } from './columns.ts';
import { explainTable, permutationImportance, type ExplainOptions, type FeatureImportance, type ImportanceOptions, type Reason } from './explain.ts';
import { sliceTable } from './feature-table.ts';
import type { ChurnModel } from './model.ts';

export type ThreadRequest =
  | { id: number; op: 'predict'; table: FeatureTable }
  | { id: number; op: 'explain'; table: FeatureTable; options: ExplainOptions }
  | { id: number; op: 'importance'; table: FeatureTable; labels: Float64Array; options: ImportanceOptions };

export type ThreadReply = { id: number } & ({ probabilities: Float64Array } | { reasons: Reason[][] } | { importance: FeatureImportance[] } | { error: string });

/**
 * Rows below which another thread does not pay: starting a worker (loading the TypeScript and the model) takes
 * about 0.3 s, about what explaining 5,000 customers takes.
 */
export const ROWS_PER_WORKER = 25_000;

/**
 * Workers worth starting for `rows` rows of work: one fewer than the cores (this thread is one), and none for
 * small work.
 *
 * @example
 * workersFor(800_000); // 1 on a 2-core machine
 */
export function workersFor(rows: number, cores = availableParallelism()): number {
  return Math.max(0, Math.min(cores - 1, Math.floor(rows / ROWS_PER_WORKER) - 1));
}

/** Rows `start` to `end` of every column as fresh arrays, so the numbers' buffers can be handed to a worker. */
function copyRows(table: FeatureTable, start: number, end: number): { table: FeatureTable; buffers: ArrayBuffer[] } {
  const part = sliceTable(table, start, end);
  const columns = part.columns.map((c) => (c.kind === 'numeric' ? { ...c, values: c.values.slice() } : c));
  return { table: { length: part.length, columns }, buffers: columns.flatMap((c) => (c.kind === 'numeric' ? [c.values.buffer as ArrayBuffer] : [])) };
}

interface Pending {
  resolve: (reply: ThreadReply) => void;
  reject: (error: Error) => void;
}

/**
 * @example
 * const threads = ModelThreads.start(model, { workers: workersFor(table.length) });
 * try {
 *   const p = await threads.predict(table);
 *   const reasons = await threads.explain(table);
 * } finally {
 *   await threads.close();
 * }
 */
export class ModelThreads {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;

  private constructor(
    readonly model: ChurnModel,
    private readonly workers: Worker[],
  ) {
    for (const worker of workers) {
      worker.on('message', (reply: ThreadReply) => {
        const waiting = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if ('error' in reply) waiting?.reject(new Error(`a churn scoring thread failed: ${reply.error}`));
        else waiting?.resolve(reply);
      });
      // A worker that dies (out of memory, a bug) fails every request still waiting, and every later one.
      const fail = (error: Error) => {
        this.failure ??= new Error(`a churn scoring thread stopped: ${error.message}`);
        for (const waiting of this.pending.values()) waiting.reject(this.failure);
        this.pending.clear();
      };
      worker.on('error', fail);
      worker.on('exit', (code) => code !== 0 && fail(new Error(`it exited with code ${code}`)));
    }
  }

  /** `workers` worker threads beside this one (0: everything on this thread). */
  static start(model: ChurnModel, options: { workers?: number } = {}): ModelThreads {
    const entry = new URL('./thread-entry.mjs', import.meta.url);
    const module = new URL('./model-thread.ts', import.meta.url).href;
    const workers = Array.from({ length: options.workers ?? 0 }, () => new Worker(entry, { workerData: { module, model: model.json } }));
    return new ModelThreads(model, workers);
  }

  /** Calibrated probabilities of every row (`model.predictTable`). */
  async predict(table: FeatureTable): Promise<Float64Array> {
    const parts = await this.share(table, (part, id) => ({ id, op: 'predict', table: part }), (part) => this.model.predictTable(part));
    const out = new Float64Array(table.length);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /**
   * Permutation importance (`permutationImportance`) computed by the first worker while this thread goes on with
   * other work; without workers, on this thread before it returns.
   */
  async importance(table: FeatureTable, labels: Float64Array, options: ImportanceOptions = {}): Promise<FeatureImportance[]> {
    const worker = this.workers[0];
    if (!worker) return permutationImportance(this.model, table, labels, options);
    const { table: copy, buffers } = copyRows(table, 0, table.length);
    const ownLabels = labels.slice();
    const reply = await this.ask(worker, (id) => ({ id, op: 'importance', table: copy, labels: ownLabels, options }), [...buffers, ownLabels.buffer as ArrayBuffer]);
    return 'importance' in reply ? reply.importance : [];
  }

  /** Reasons of every row (`explainTable`). */
  async explain(table: FeatureTable, options: ExplainOptions = {}): Promise<Reason[][]> {
    return (await this.share(table, (part, id) => ({ id, op: 'explain', table: part, options }), (part) => explainTable(this.model, part, options))).flat();
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the churn scoring threads are closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** Posts a request to a worker (handing it `buffers`); the reply comes with the request's id. */
  private ask(worker: Worker, request: (id: number) => ThreadRequest, buffers: ArrayBuffer[]): Promise<ThreadReply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    worker.postMessage(request(id), buffers);
    return new Promise<ThreadReply>((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  /**
   * The table cut into one part per thread: the workers' parts are posted first, this thread's (the last) is
   * computed while they work. Results in row order.
   */
  private async share<T extends Float64Array | Reason[][]>(table: FeatureTable, request: (part: FeatureTable, id: number) => ThreadRequest, here: (part: FeatureTable) => T): Promise<T[]> {
    if (this.failure) throw this.failure;
    const threads = this.workers.length + 1;
    const size = Math.ceil(table.length / threads);
    const replies: Promise<T>[] = [];
    let own: T;
    try {
      this.workers.forEach((worker, w) => {
        const { table: part, buffers } = copyRows(table, Math.min(table.length, w * size), Math.min(table.length, (w + 1) * size));
        replies.push(this.ask(worker, (id) => request(part, id), buffers).then((r) => ('probabilities' in r ? r.probabilities : 'reasons' in r ? r.reasons : []) as T));
      });
      own = here(sliceTable(table, Math.min(table.length, this.workers.length * size), table.length));
    } catch (error) {
      // The parts already posted are waited for, so a worker failing later is not left unhandled.
      await Promise.allSettled(replies);
      throw error;
    }
    return [...(await Promise.all(replies)), own];
  }
}
