/**
 * The one door to the Tierlab HTTP API: a bearer token from `#token=` or localStorage, JSON in and out,
 * and failures as `ApiError` with the server's code and place.
 */

import type { ErrorPlace } from '../../data/errors.ts';
import type { ErrorAnswer } from '../../server/contracts.ts';

export type { ErrorPlace };

const TOKEN_KEY = 'tierlab.token';

/** A failed API call: HTTP status, the server's error code and message, and where it points if it says. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly place: ErrorPlace = {},
    readonly details: unknown = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The model or table behind a view is not built yet (the server answers 404): views show an empty state. */
  get notReady(): boolean {
    return this.status === 404;
  }
}

/**
 * The bearer token: `#token=...` in the URL wins and is remembered, so a bookmarked link works once.
 *
 * @example
 * const token = readToken(); // '' when the server runs without auth
 */
export function readToken(): string {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    const token = decodeURIComponent(match[1]);
    localStorage.setItem(TOKEN_KEY, token);
    return token;
  }
  return localStorage.getItem(TOKEN_KEY) ?? '';
}

function headers(extra: HeadersInit = {}): Headers {
  const result = new Headers(extra);
  const token = readToken();
  if (token) result.set('authorization', `Bearer ${token}`);
  return result;
}

async function failure(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Partial<ErrorAnswer>;
    const place: ErrorPlace = { field: body.field, row: body.row, column: body.column };
    return new ApiError(response.status, body.error ?? `http_${response.status}`, body.message ?? response.statusText, place, body.details);
  } catch {
    return new ApiError(response.status, `http_${response.status}`, text || response.statusText);
  }
}

/** Query values; undefined and empty strings are left out so defaults stay on the server. */
export type Query = Record<string, string | number | boolean | undefined>;

function url(path: string, query: Query = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  /** A JSON body, or a FormData / Blob sent as is. */
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * A raw fetch with auth; throws `ApiError` unless the answer is 2xx.
 *
 * @example
 * const response = await request('/api/churn/at-risk', { query: { format: 'csv' } });
 */
export async function request(path: string, options: RequestOptions = {}): Promise<Response> {
  const { method = 'GET', query, body, signal } = options;
  const raw = body instanceof FormData || body instanceof Blob;
  const init: RequestInit = { method, signal, headers: headers(body === undefined || raw ? {} : { 'content-type': 'application/json' }) };
  if (body !== undefined) init.body = raw ? (body as BodyInit) : JSON.stringify(body);
  const response = await fetch(url(path, query), init);
  if (!response.ok) throw await failure(response);
  return response;
}

/**
 * A JSON call.
 *
 * @example
 * const me = await api<{ role: string }>('/api/me');
 * await api('/api/notebooks/n1', { method: 'DELETE' });
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await request(path, options);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as T;
}

/**
 * Downloads an authenticated resource as a file: a plain link cannot carry the bearer header.
 *
 * @example
 * await download('/api/churn/at-risk', { query: { format: 'csv' }, fileName: 'at-risk.csv' });
 */
export async function download(path: string, options: { query?: Query; fileName: string }): Promise<void> {
  const blob = await (await request(path, { query: options.query })).blob();
  saveBlob(blob, options.fileName);
}

/** Hands a blob to the browser as a download. */
export function saveBlob(blob: Blob, fileName: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

/** One server-sent event. */
export interface ServerEvent {
  event: string;
  data: string;
}

/**
 * Reads a server-sent-event stream over fetch, since EventSource cannot send the bearer header.
 *
 * @example
 * for await (const { event, data } of events(`/api/jobs/${id}/events`, { signal })) console.log(event, data);
 */
export async function* events(path: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<ServerEvent> {
  const response = await request(path, { signal: options.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replaceAll('\r\n', '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const parsed = parseEvent(block);
      if (parsed) yield parsed;
    }
  }
}

function parseEvent(block: string): ServerEvent | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length ? { event, data: data.join('\n') } : undefined;
}
