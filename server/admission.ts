import { RetryLater } from '../data/errors.ts';

export interface AdmissionOptions {
  /** Work items that may run at once. */
  slots: number;
  /** Items that may wait for a slot; one more is refused at once with a 429. */
  queueDepth: number;
  /** How long an item may wait for a slot; longer is a 503. */
  queueWaitMs: number;
  /** What the refusals call the work, e.g. "SQL cells of the analyst role". */
  name: string;
  /** Seconds a refused client is told to wait (Retry-After). */
  retryAfterSeconds: number;
}

/**
 * A small admission queue: at most `slots` items run, at most `queueDepth` wait, in arrival order, each for at
 * most `queueWaitMs`. Saturation is answered with a RetryLater (429 when the queue is full, 503 when the wait
 * ran out) instead of piling work onto the threads everything else needs.
 *
 * @example
 * const queue = new AdmissionQueue({ slots: 2, queueDepth: 8, queueWaitMs: 10_000, name: 'SQL cells', retryAfterSeconds: 5 });
 * const rows = await queue.run(() => runQuery(sql));
 */
export class AdmissionQueue {
  private running = 0;
  private readonly waiting: { admit: () => void }[] = [];

  constructor(private readonly options: AdmissionOptions) {}

  /** Runs `work` once a slot is free; its clock (a deadline inside) starts then, not while it waits. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.admit();
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.admit();
    }
  }

  /** Items running and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private admit(): Promise<void> {
    const { slots, queueDepth, queueWaitMs, name, retryAfterSeconds } = this.options;
    if (this.running < slots) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= queueDepth) {
      return Promise.reject(new RetryLater('rate_limited', `too many ${name} at once (${slots} running, ${queueDepth} waiting); try again shortly`, retryAfterSeconds));
    }
    return new Promise((resolve, reject) => {
      const entry = {
        admit: () => {
          clearTimeout(timer);
          this.running++;
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(entry), 1);
        reject(new RetryLater('unavailable', `the server is busy with other ${name}: waited ${queueWaitMs / 1000} s for a turn; try again shortly`, retryAfterSeconds));
      }, queueWaitMs);
      this.waiting.push(entry);
    });
  }
}
