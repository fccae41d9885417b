/**
 * Commands through the server running on the same TIERLAB_HOME (server/discovery.ts): DuckDB lets one process
 * hold the store, so while a server runs, a command asks it instead of opening the store.
 */

import { existsSync, openAsBlob, statSync } from 'node:fs';
import { tierlabHome } from '../data/paths.ts';
import { TierlabError, type ErrorCode } from '../data/errors.ts';
import { findServer, type ServerAnnouncement } from '../server/discovery.ts';

export type Remote = ServerAnnouncement;

/**
 * The running server to go through, or undefined: none runs, or `--db` names another store than the one the
 * server holds.
 */
export function runningServer(db: string | undefined): Remote | undefined {
  return db === undefined ? findServer(tierlabHome()) : undefined;
}

export interface CallOptions {
  json?: unknown;
  body?: BodyInit;
  query?: Record<string, string | boolean | undefined>;
}

function endpoint(server: Remote, path: string, query: CallOptions['query'] = {}): string {
  const url = new URL(path, server.url);
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== false) url.searchParams.set(key, String(value));
  return url.toString();
}

/** The server's error answer as the TierlabError it was, so the command fails with the same words and exit code. */
async function remoteError(response: Response): Promise<TierlabError> {
  const body = (await response.json().catch(() => ({}))) as { error?: ErrorCode; message?: string; details?: unknown; file?: string; row?: number; column?: string; field?: string };
  const { error, message, details, ...place } = body;
  return new TierlabError(error ?? 'failed', message ?? `the server answered HTTP ${response.status}`, place, details);
}

/**
 * One API request with the server's local credential, answered as it comes; a non-2xx answer is thrown as a
 * TierlabError.
 */
export async function requestServer(server: Remote, method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${server.token}` };
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(endpoint(server, path, options.query), { method, headers, body, ...(body && { duplex: 'half' }) } as RequestInit);
  } catch (error) {
    throw new TierlabError('unavailable', `the server announced at ${server.url} (pid ${server.pid}) does not answer: ${(error as Error).message}`);
  }
  if (!response.ok) throw await remoteError(response);
  return response;
}

/**
 * One API call answered with JSON.
 *
 * @example
 * const { active } = await callServer<{ active: number }>(server, 'POST', '/api/models/rollback');
 */
export async function callServer<T>(server: Remote, method: string, path: string, options: CallOptions = {}): Promise<T> {
  return (await (await requestServer(server, method, path, options)).json()) as T;
}

/** A local file as a request body, or the error a load on the store itself gives for a missing file. */
export async function fileBody(file: string): Promise<Blob> {
  if (!existsSync(file) || !statSync(file).isFile()) throw new TierlabError('bad_file', 'file not found', { file });
  return openAsBlob(file);
}

/** A streamed answer cut at each `separator`, one part at a time as they arrive. */
export async function* streamedParts(response: Response, separator: string): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body! as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf(separator)) >= 0) {
      yield buffer.slice(0, end);
      buffer = buffer.slice(end + separator.length);
    }
  }
}

/** A Server-Sent Events stream from the server, one `{event, data}` at a time. */
export async function* serverEvents(server: Remote, path: string): AsyncGenerator<{ event: string; data: string }> {
  for await (const block of streamedParts(await requestServer(server, 'GET', path), '\n\n')) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length) yield { event, data: data.join('\n') };
  }
}
