import { buildCustomerPages } from '../data/customer-pages.ts';
import { pageFilesPresent } from '../data/page-files.ts';
import { RetryLater } from '../data/errors.ts';
import type { Store } from '../data/store.ts';
import type { AppDeps } from './context.ts';

/**
 * A write waits for no training job (its promotion would replace the tables the write changes): it is refused
 * with the job named; `then` tells the caller what to do once the job is done.
 */
export function refuseDuringTraining(deps: AppDeps, then: (job: string) => string): void {
  const job = deps.jobs.running('train');
  if (job) throw new RetryLater('busy', `a training job is running (${job.id}); ${then(job.id)}`, 30, { job: job.id });
}

/** What an upload or a command is told to do about a running training job. */
export const retryAfterJob = (job: string) => `try again when it has finished (GET /api/jobs/${job}), or cancel it`;

/** Runs `work` on a connection of its own to the server's store (its own transactions), closed after. */
export async function onFork<T>(deps: AppDeps, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await deps.store.fork();
  try {
    return await work(store);
  } finally {
    store.close();
  }
}

/**
 * Runs `work` as the one writer (after uploads, commands and training), on a connection of its own so requests
 * keep reading the committed tables meanwhile; refused while a training job runs; the cached answers are dropped
 * afterwards. Uploads and commands typed while the server runs write this way.
 */
export function asTheWriter<T>(deps: AppDeps, work: (store: Store) => Promise<T>): Promise<T> {
  return deps.writes.run(async () => {
    refuseDuringTraining(deps, retryAfterJob);
    try {
      return await onFork(deps, work);
    } finally {
      deps.customers.invalidate();
    }
  });
}

/**
 * Builds the customer pages on the writer when they are missing (a store written before them, a stage rewritten
 * by a command since, a page file gone): the lookups read the source tables until they are there. Returns the
 * customers written, or null when they were there already.
 */
export function buildMissingPages(deps: AppDeps): Promise<number | null> {
  return deps.writes.run(() =>
    onFork(deps, async (store) => {
      if (await pageFilesPresent(store)) return null;
      return (await buildCustomerPages(store)).customers;
    }),
  );
}
