import { randomUUID } from 'node:crypto';
import { TierlabError, notFound } from '../data/errors.ts';

export interface Progress {
  step: string;
  /** 0..1 when known. */
  fraction?: number;
  /** Seconds since the job started. */
  elapsed_s?: number;
  message?: string;
}

export type JobStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Job {
  id: string;
  kind: string;
  status: JobStatus;
  started_at: string;
  finished_at: string | null;
  progress: Progress | null;
  result: unknown;
  error: string | null;
}

export type JobWork = (signal: AbortSignal, progress: (p: Progress) => void) => Promise<unknown>;
type Listener = (event: { type: 'progress'; progress: Progress } | { type: 'done'; job: Job }) => void;

/**
 * Runs long work (training) in the background: one job of a kind at a time, progress to listeners (SSE),
 * cancellation through an AbortSignal the work is expected to honour.
 *
 * @example
 * const job = jobs.start('train', async (signal, progress) => { progress({ step: 'features' }); return retrain(...); });
 */
export class JobRunner {
  private readonly jobs = new Map<string, { job: Job; controller: AbortController; listeners: Set<Listener>; done: Promise<void> }>();
  /** Finished jobs kept for lookups; older ones are forgotten. */
  private readonly keepFinished: number;

  constructor(options: { keepFinished?: number } = {}) {
    this.keepFinished = options.keepFinished ?? 50;
  }

  /** The running job of a kind, if any. */
  running(kind: string): Job | undefined {
    for (const entry of this.jobs.values()) if (entry.job.kind === kind && entry.job.status === 'running') return entry.job;
    return undefined;
  }

  start(kind: string, work: JobWork, options: { onFinish?: (job: Job) => void } = {}): Job {
    const running = this.running(kind);
    if (running) throw new TierlabError('busy', `a ${kind} job is already running (${running.id})`, {}, { job: running.id });
    const job: Job = { id: randomUUID(), kind, status: 'running', started_at: new Date().toISOString(), finished_at: null, progress: null, result: null, error: null };
    const controller = new AbortController();
    const listeners = new Set<Listener>();
    const startedAt = Date.now();
    const report = (reported: Progress) => {
      if (job.status !== 'running') return;
      // Every job's progress says how long it has run, whatever the work reports.
      const progress = { ...reported, elapsed_s: Math.round((Date.now() - startedAt) / 100) / 10 };
      job.progress = progress;
      for (const listener of listeners) listener({ type: 'progress', progress });
    };
    const done = (async () => {
      try {
        job.result = await work(controller.signal, report);
        job.status = controller.signal.aborted ? 'cancelled' : 'succeeded';
      } catch (error) {
        job.status = controller.signal.aborted ? 'cancelled' : 'failed';
        // Only our own errors are written for users; anything else may carry paths.
        job.error = error instanceof TierlabError ? error.message : controller.signal.aborted ? 'cancelled' : 'the job failed';
        if (!(error instanceof TierlabError) && !controller.signal.aborted) console.error(error);
      }
      job.finished_at = new Date().toISOString();
      options.onFinish?.(job);
      for (const listener of listeners) listener({ type: 'done', job });
      listeners.clear();
      this.forgetOld();
    })();
    this.jobs.set(job.id, { job, controller, listeners, done });
    return job;
  }

  get(id: string): Job {
    const entry = this.jobs.get(id);
    if (!entry) throw notFound(`job ${id} does not exist`, { field: 'id' });
    return entry.job;
  }

  /** Asks the job to stop; its status becomes `cancelled` once the work has returned. */
  cancel(id: string): Job {
    const entry = this.jobs.get(id);
    if (!entry) throw notFound(`job ${id} does not exist`, { field: 'id' });
    entry.controller.abort();
    return entry.job;
  }

  /**
   * Calls `listener` with the job's progress so far, then each progress event, and once when done; returns the
   * unsubscribe function. (A client that connects after a step began still sees that step.)
   */
  subscribe(id: string, listener: Listener): () => void {
    const entry = this.jobs.get(id);
    if (!entry) throw notFound(`job ${id} does not exist`, { field: 'id' });
    if (entry.job.status !== 'running') {
      listener({ type: 'done', job: entry.job });
      return () => {};
    }
    if (entry.job.progress) listener({ type: 'progress', progress: entry.job.progress });
    entry.listeners.add(listener);
    return () => entry.listeners.delete(listener);
  }

  /** Resolves when the job has finished (tests, shutdown). */
  async wait(id: string): Promise<Job> {
    const entry = this.jobs.get(id);
    if (!entry) throw notFound(`job ${id} does not exist`, { field: 'id' });
    await entry.done;
    return entry.job;
  }

  /** Cancels every running job and waits for them. */
  async close(): Promise<void> {
    for (const entry of this.jobs.values()) entry.controller.abort();
    await Promise.all([...this.jobs.values()].map((e) => e.done));
  }

  private forgetOld(): void {
    const finished = [...this.jobs.values()].filter((e) => e.job.status !== 'running');
    for (const entry of finished.slice(0, Math.max(0, finished.length - this.keepFinished))) this.jobs.delete(entry.job.id);
  }
}

/**
 * Runs async work one piece at a time, in arrival order: table replacements on the shared connection must not
 * interleave.
 *
 * @example
 * await queue.run(() => ingestFile(store, options));
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  run<T>(work: () => Promise<T>): Promise<T> {
    this.pending++;
    const next = this.tail.then(work, work).finally(() => this.pending--);
    this.tail = next.catch(() => {});
    return next;
  }

  /** Nothing runs or waits. */
  get idle(): boolean {
    return this.pending === 0;
  }
}
