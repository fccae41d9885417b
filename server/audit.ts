/** The audit log: one JSON line per admin action in <home>/audit.jsonl, appended, never rewritten. */

import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { badInput } from '../data/errors.ts';

export interface AuditEntry {
  time: string;
  /** The token's name, or `cli:<user>` for a command that opened the store itself. */
  token: string;
  role: string;
  /** ingest, train, activate, rollback, token.create, token.revoke, ... */
  action: string;
  /** ok, failed: <why>, or a decision (promoted, kept). */
  outcome: string;
  /** What the action was about: a data set kind, a version, a token name. */
  target?: string;
}

export const auditFile = (home: string) => join(home, 'audit.jsonl');

/** Appends one entry; one `appendFileSync` call a line, so concurrent writers never interleave inside a line. */
export function appendAudit(home: string, entry: Omit<AuditEntry, 'time'> & { time?: string }): void {
  mkdirSync(home, { recursive: true });
  const line: AuditEntry = { time: entry.time ?? new Date().toISOString(), ...entry } as AuditEntry;
  appendFileSync(auditFile(home), `${JSON.stringify(line)}\n`, { mode: 0o600 });
}

/**
 * The entries at or after `since` (a date or time, UTC), oldest first.
 *
 * @example
 * readAudit(home, '2026-12-01'); // [{ time, token, role, action, outcome, target }, ...]
 */
export function readAudit(home: string, since?: string): AuditEntry[] {
  const from = since === undefined ? -Infinity : Date.parse(since);
  if (Number.isNaN(from)) throw badInput(`--since must be a date or time such as 2026-12-01 or 2026-12-01T08:00:00Z, got "${since}"`, { field: 'since' });
  const file = auditFile(home);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditEntry)
    .filter((entry) => Date.parse(entry.time) >= from);
}
