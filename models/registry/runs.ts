/** Every retraining run, one JSON line each in <home>/registry/runs.jsonl. */

import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestSummary } from '../../data/loads.ts';
import { takeStaleLock, type LockOwner } from './lock.ts';

export interface RunRecord {
  run_id: string;
  started_at: string;
  ended_at: string;
  outcome: 'promoted' | 'kept' | 'failed';
  /** The version this run wrote (absent when it failed before writing). */
  version?: number;
  active_before: number | null;
  active_after: number | null;
  reason: string;
  /** A failed run's error: Tierlab's code for an error a user can act on, `internal` for anything else (a bug, DuckDB). */
  error_code?: string;
  figures?: Record<string, unknown>;
  ingested?: IngestSummary[];
  /** The stage a run was in when it was interrupted (its process died: heap abort, SIGKILL, power). */
  stage?: string;
  /** Where the promoted version's scores were written back (ClickHouse engine), or why that failed. */
  written_back?: { table: string; rows: number } | { error: string };
}

/** The retrain lock: held by the running retrain, left behind by one that died. */
export function retrainLockPath(home: string): string {
  return join(home, 'registry', 'retrain.lock');
}

/** Records a run whose process died holding the lock as failed: interrupted, with the stage it was in. */
export function recordInterrupted(home: string, owner: LockOwner): RunRecord {
  const record: RunRecord = {
    run_id: owner.run_id ?? `unknown-${owner.pid}`,
    started_at: owner.started_at ?? '',
    ended_at: new Date().toISOString(),
    outcome: 'failed',
    active_before: null,
    active_after: null,
    reason: `interrupted during stage ${owner.stage ?? 'start'}: its process (pid ${owner.pid}) ended without finishing (out of memory, killed or power lost); nothing it trained was promoted`,
    error_code: 'interrupted',
    stage: owner.stage ?? 'start',
  };
  recordRun(home, record);
  return record;
}

/**
 * Finds a run that died holding the retrain lock and records it (the next retrain does this too), so a crash
 * is never invisible in `tierlab runs`.
 */
export function recoverInterruptedRun(home: string): RunRecord | undefined {
  if (!existsSync(join(home, 'registry'))) return undefined;
  const stale = takeStaleLock(retrainLockPath(home));
  return stale && recordInterrupted(home, stale);
}

/** Appends a finished run to the record. */
export function recordRun(home: string, record: RunRecord): void {
  appendFileSync(join(home, 'registry', 'runs.jsonl'), `${JSON.stringify(record)}\n`);
}

/** Every run, one JSON line each, oldest first. */
export function listRuns(home: string): RunRecord[] {
  const file = join(home, 'registry', 'runs.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RunRecord);
}
