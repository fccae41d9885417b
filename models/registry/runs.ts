/** Every retraining run, one JSON line each in <home>/registry/runs.jsonl. */

import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestSummary } from '../../data/loads.ts';

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
  /** Where the promoted version's scores were written back (ClickHouse engine), or why that failed. */
  written_back?: { table: string; rows: number } | { error: string };
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
