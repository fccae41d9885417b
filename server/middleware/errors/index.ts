import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { RetryLater, TierlabError, type ErrorCode, type OptionWording } from '../../../data/errors.ts';
import { fromDuckDB } from '../../../data/duckdb-errors.ts';

const STATUS: Record<ErrorCode, number> = {
  bad_input: 400,
  bad_file: 400,
  missing_column: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  timeout: 408,
  conflict: 409,
  busy: 409,
  too_large: 413,
  unprocessable: 422,
  rate_limited: 429,
  failed: 500,
  unavailable: 503,
};

/** Options as the API takes them, as query or body fields: `skip_bad_rows=true`, `map=source=field`. */
export const API_WORDING: OptionWording = { on: (option) => `${option}=true`, named: (option, value) => (value ? `${option}=${value}` : option) };

/** Absolute paths (the runtime folder, temp files) never leave the server; API routes named in messages do. */
const PATH = /(?:[A-Za-z]:)?(?!\/api\/)(?:\/[\w.@+-]+){2,}\/?/g;

/** A copy of `value` with absolute paths replaced by their last segment. */
export function scrub(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(PATH, (path) => `<${path.split('/').filter(Boolean).at(-1)}>`);
  if (Array.isArray(value)) return value.map(scrub);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v)]));
  return value;
}

/** Messages can quote what the client sent (an id, a value); a 10 KB id is not worth sending back whole. */
const MAX_MESSAGE = 1000;

function capped(message: string): string {
  return message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE)}... (${message.length - MAX_MESSAGE} more characters)`;
}

/** A known path asked with a method it does not take: a 405 whose `Allow` header lists the ones it does. */
export class MethodNotAllowed extends TierlabError {
  readonly allowed: readonly string[];

  constructor(method: string, path: string, allowed: readonly string[]) {
    super('method_not_allowed', `${method} is not allowed on ${path}; use ${allowed.join(' or ')}`);
    this.name = 'MethodNotAllowed';
    this.allowed = allowed;
  }
}

/**
 * The one place errors become HTTP answers: a TierlabError keeps its code, message and place (with paths
 * scrubbed), a RetryLater adds `Retry-After`; DuckDB's own errors are mapped by fromDuckDB (a write-write
 * conflict is a 409 to retry, a bug a 500), so no raw DuckDB message and no stack trace leaves the server.
 *
 * @example
 * return errorResponse(new TierlabError('not_found', 'no such campaign'));
 */
export function errorResponse(thrown: unknown): Response {
  const error = thrown instanceof TierlabError ? thrown : fromDuckDB(thrown);
  const body = scrub(error.toJSON(API_WORDING)) as Record<string, unknown>;
  if (typeof body.file === 'string') body.file = body.file.replace(/^<|>$/g, '');
  if (typeof body.message === 'string') body.message = capped(body.message);
  // RFC 6750: a 401 names the scheme it wants.
  const headers: Record<string, string> = error.code === 'unauthorized' ? { 'WWW-Authenticate': 'Bearer' } : {};
  if (error instanceof RetryLater) headers['Retry-After'] = String(error.retryAfterSeconds);
  if (error instanceof MethodNotAllowed) headers.Allow = error.allowed.join(', ');
  return Response.json(body, { status: STATUS[error.code] ?? 500, headers });
}

/**
 * The app's error handler: whatever a middleware or route throws is answered by errorResponse.
 *
 * @example
 * app.onError(onError);
 */
export const onError: ErrorHandler = (error) => errorResponse(error);

export interface RouteNotFoundOptions {
  /** The routes the app serves: a path one of them matches, asked with another method, is a 405, not a 404. */
  routes: readonly { method: string; path: string }[];
}

/** `/api/models/:version/activate` as a pattern over concrete paths. */
const pathPattern = (path: string) => new RegExp(`^${path.replace(/:\w+/g, '[^/]+')}/?$`);

/**
 * The answer to a request no route took: 405 with `Allow` for a known path asked with another method, else 404,
 * both through errorResponse like every other error.
 *
 * @example
 * const missing = routeNotFound({ routes: ROUTES });
 * app.all('/api/*', missing);
 * app.notFound(missing);
 */
export function routeNotFound(options: RouteNotFoundOptions): NotFoundHandler {
  const patterns = options.routes.map((route) => ({ method: route.method, pattern: pathPattern(route.path) }));
  return (c: Context) => {
    const allowed = [...new Set(patterns.filter((r) => r.pattern.test(c.req.path)).map((r) => r.method))];
    if (allowed.length) return errorResponse(new MethodNotAllowed(c.req.method, c.req.path, allowed));
    return errorResponse(new TierlabError('not_found', `no route ${c.req.method} ${c.req.path}`));
  };
}
