import { TierlabError } from './errors.ts';

export interface DeadlineOptions {
  /** What is interrupted when time is up: a DuckDB connection used by `work` alone. */
  connection: { interrupt(): void };
  /** Milliseconds from now. */
  ms: number;
  /** The 408's message. */
  message: string;
  /** How often the interrupt is repeated until the work stops. Default 50 ms. */
  repeatMs?: number;
}

/**
 * Runs `work` with a deadline that is certain to stop it: when time is up the connection is interrupted, and
 * again every `repeatMs` until `work` has settled. One interrupt is not enough: DuckDB clears the flag when a
 * statement starts, so an interrupt that lands between two statements, or before a statement queued for a
 * thread has begun, reaches nothing. Work that ends after the deadline rejects with a 408 TierlabError.
 * `work` gets a function that tells whether time is up, to stop between its own steps.
 *
 * @example
 * const rows = await withDeadline({ connection, ms: 5000, message: 'the query took over 5 s' }, () => connection.run(sql));
 */
export async function withDeadline<T>(options: DeadlineOptions, work: (expired: () => boolean) => Promise<T>): Promise<T> {
  let expired = false;
  let repeat: ReturnType<typeof setInterval> | undefined;
  const timer = setTimeout(() => {
    expired = true;
    options.connection.interrupt();
    repeat = setInterval(() => options.connection.interrupt(), options.repeatMs ?? 50);
  }, options.ms);
  try {
    const value = await work(() => expired);
    if (expired) throw new TierlabError('timeout', options.message);
    return value;
  } catch (error) {
    if (expired) throw new TierlabError('timeout', options.message);
    throw error;
  } finally {
    clearTimeout(timer);
    clearInterval(repeat);
  }
}
