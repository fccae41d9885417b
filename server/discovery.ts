/**
 * How a command finds the server running on its TIERLAB_HOME: <home>/server.json, written at start and removed
 * at stop, holds the address and a credential that lives only as long as that server (mode 0600: owner only).
 */

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive } from '../models/registry/lock.ts';

export interface ServerAnnouncement {
  url: string;
  pid: number;
  started_at: string;
  /** An admin bearer token the server accepts until it stops; never written to tokens.json. */
  token: string;
}

/** What `tierlab token list` and the audit log call the CLI when it goes through the running server. */
export const LOCAL_CLI_NAME = 'local-cli';

export const serverFile = (home: string) => join(home, 'server.json');

export const newLocalCredential = () => `tl_local_${randomBytes(24).toString('base64url')}`;

/** Writes the announcement whole (beside, then renamed over), readable by the owner only. */
export function announceServer(home: string, announcement: ServerAnnouncement): void {
  const temp = `${serverFile(home)}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(announcement, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, serverFile(home));
}

/** Removes the announcement if it is this process's (a second server on the same home may have replaced it). */
export function withdrawServer(home: string, pid = process.pid): void {
  const current = readAnnouncement(home);
  if (current?.pid === pid) rmSync(serverFile(home), { force: true });
}

function readAnnouncement(home: string): ServerAnnouncement | undefined {
  if (!existsSync(serverFile(home))) return undefined;
  try {
    return JSON.parse(readFileSync(serverFile(home), 'utf8')) as ServerAnnouncement;
  } catch {
    return undefined; // half-written by hand or truncated: as good as absent
  }
}

/**
 * The server running on `home`, or undefined. A file left by a server that was killed (its process is gone) is
 * stale: it is removed, and the caller opens the store itself.
 *
 * @example
 * const server = findServer(home);
 * if (server) await fetch(`${server.url}/api/runs`, { headers: { authorization: `Bearer ${server.token}` } });
 */
export function findServer(home: string): ServerAnnouncement | undefined {
  const found = readAnnouncement(home);
  if (!found) return undefined;
  if (alive(found.pid)) return found;
  rmSync(serverFile(home), { force: true });
  return undefined;
}
