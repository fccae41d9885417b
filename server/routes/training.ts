import { streamSSE } from 'hono/streaming';
import { TierlabError } from '../../data/errors.ts';
import { appendAudit } from '../audit.ts';
import type { TrainSettings } from '../contracts.ts';
import type { RouteInput } from '../context.ts';
import type { Values } from '../validate.ts';
import { scrub } from '../middleware/errors/index.ts';

/**
 * POST /api/jobs/train: starts the training pipeline in the background (one at a time). The job holds the
 * writer from start to promotion: its promoted version's tables are switched in before the writer is free, so
 * nothing queued behind it (an upload, an activation) can be overwritten by an older version's tables.
 */
export async function startTraining({ c, deps, caller, body }: RouteInput<Values, TrainSettings>) {
  const train = deps.train;
  if (!train) throw new TierlabError('conflict', 'training is not available in this build (models/registry/retrain.ts is missing)');
  const job = deps.jobs.start('train', (signal, progress) =>
    deps.writes.run(async () => {
      const result = await train({ store: deps.store, home: deps.home, signal, settings: body, onProgress: progress });
      progress({ step: 'serving', fraction: 1 });
      await deps.served.sync();
      return result;
    }),
    {
      // The start is audited by the route; how the run ended is known only here.
      onFinish: (done) => {
        const outcome = (done.result as { outcome?: string } | null)?.outcome ?? (done.error ? `${done.status}: ${done.error}` : done.status);
        appendAudit(deps.home, { token: caller?.name ?? 'anonymous', role: caller?.role ?? 'none', action: 'train.finished', target: done.id, outcome });
      },
    },
  );
  return c.json(scrub(job) as object, 202);
}

export async function getJob({ deps, params }: RouteInput) {
  return scrub(deps.jobs.get(params.id));
}

export async function cancelJob({ deps, params }: RouteInput) {
  return scrub(deps.jobs.cancel(params.id));
}

/** GET /api/jobs/:id/events: progress as Server-Sent Events, closing with a `done` event carrying the job. */
export async function jobEvents({ c, deps, params }: RouteInput) {
  deps.jobs.get(params.id); // 404 before the stream starts
  return streamSSE(c, async (sse) => {
    await new Promise<void>((resolve) => {
      let unsubscribe = () => {};
      sse.onAbort(() => {
        unsubscribe();
        resolve();
      });
      unsubscribe = deps.jobs.subscribe(params.id, (event) => {
        const write = event.type === 'progress'
          ? sse.writeSSE({ event: 'progress', data: JSON.stringify(scrub(event.progress)) })
          : sse.writeSSE({ event: 'done', data: JSON.stringify(scrub(event.job)) });
        if (event.type === 'done') void write.then(resolve, resolve);
      });
    });
  });
}
