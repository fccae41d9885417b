import type { DatasetKind } from '../data/columns.ts';
import type { RunRecord } from '../models/registry/runs.ts';
import type { TrainSettings } from '../server/contracts.ts';
import type { Job } from '../server/jobs.ts';
import { callServer, fileBody, serverEvents, type Remote } from './remote.ts';

/**
 * `tierlab retrain` while a server runs: the files uploaded first (each all-or-nothing), then a training job on the
 * server with its progress on stderr as JSON lines (step, fraction, elapsed seconds), as a run in this process
 * prints them. Answers the run record, or throws the job's error; a job already running is `busy` (exit 75).
 */
export async function retrainThroughServer(server: Remote, options: { ingest: { kind: DatasetKind; file: string }[]; settings: TrainSettings; emit: (event: Record<string, unknown>) => void }): Promise<RunRecord> {
  const { emit } = options;
  emit({ event: 'start', server: server.url });
  for (const input of options.ingest) {
    emit({ event: 'ingest', file: input.file, kind: input.kind });
    await callServer(server, 'POST', `/api/datasets/${input.kind}`, { body: await fileBody(input.file) });
  }
  const started = await callServer<Job>(server, 'POST', '/api/jobs/train', { json: options.settings });
  const startedAt = Date.now();
  let finished: Job | undefined;
  for await (const message of serverEvents(server, `/api/jobs/${started.id}/events`)) {
    const data = JSON.parse(message.data);
    if (message.event === 'progress') emit({ event: 'progress', ...data, elapsed_s: Math.round((Date.now() - startedAt) / 100) / 10 });
    if (message.event === 'done') finished = data as Job;
  }
  // The stream ends with `done`; if it broke off, the job's state says how it ended.
  finished ??= await callServer<Job>(server, 'GET', `/api/jobs/${started.id}`);
  const record = finished.result as RunRecord | null;
  if (record) return record;
  return { run_id: finished.id, started_at: finished.started_at, ended_at: finished.finished_at ?? '', outcome: 'failed', active_before: null, active_after: null, reason: finished.error ?? finished.status };
}
