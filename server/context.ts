import type { Context } from 'hono';
import type { Store } from '../data/store.ts';
import type { AdmissionQueue } from './admission.ts';
import type { TrainSettings } from './contracts.ts';
import type { Access, Caller, Role, TokenStore } from './auth.ts';
import type { CustomerCache } from './customer-cache.ts';
import type { JobRunner, Progress, SerialQueue } from './jobs.ts';
import type { Limits } from './limits.ts';
import type { ServedVersion } from './serving.ts';
import type { Infer, Schema, Values } from './validate.ts';

/** What the middleware leaves on a request's context (`c.get(...)`). */
export type AppEnv = {
  Variables: {
    /** The caller's role and token name, set by the auth middleware; undefined on public routes. */
    role: Role | undefined;
    caller: Caller | undefined;
    /** Set when the auth middleware refused the request: the token it was given, for the rate limit to count. */
    authFailure: { token?: string } | undefined;
  };
};

/** Everything a handler may use; built once by createApp. */
export interface AppDeps {
  store: Store;
  /** The runtime folder: tokens, notebooks, registry, uploads. */
  home: string;
  tokens: TokenStore;
  jobs: JobRunner;
  customers: CustomerCache;
  limits: Limits;
  /** Serializes the work that replaces tables (uploads, training, activation). */
  writes: SerialQueue;
  /** The training work a `POST /api/jobs/train` runs: retrain (models/registry/retrain.ts). */
  train?: TrainFunction;
  /** Runs `tierlab` commands typed on this machine while the server holds the store (`POST /api/commands`). */
  commands?: CommandRunner;
  /** Keeps the served tables on the registry's active version, switching between requests. */
  served: ServedVersion;
  /** SQL cells wait their turn here, one queue per role that may run them. */
  sqlQueues: Record<'admin' | 'analyst', AdmissionQueue>;
}

/**
 * What a command run inside the server may use: its output goes back to the terminal that ran it, and the store
 * is the server's (DuckDB lets one process hold the file).
 */
export interface ServerCommandIO {
  write(stream: 'stdout' | 'stderr', text: string): void;
  /**
   * Runs work on a connection of the server's store: `write` as the one writer (after uploads and training, and
   * the cached answers dropped afterwards), `read` on the served version like any request.
   */
  withStore<T>(mode: 'read' | 'write', work: (store: Store) => Promise<T>): Promise<T>;
}

/** Runs one `tierlab` command line inside the server; answers its exit code. Given by `tierlab serve`. */
export type CommandRunner = (argv: string[], io: ServerCommandIO) => Promise<number>;

export type TrainFunction = (options: { store: Store; home: string; signal: AbortSignal; settings?: TrainSettings; onProgress: (p: Progress) => void }) => Promise<unknown>;

/** What a handler is given; its query and body typed by the route's schemas when the row is made by `route`. */
export interface RouteInput<Query = Values, Body = Values> {
  c: Context;
  deps: AppDeps;
  params: Record<string, string>;
  query: Query;
  body: Body;
  role: Role | undefined;
  /** The token's name and role (undefined on public routes). */
  caller: Caller | undefined;
}

/**
 * One row of the route table: the method and path, who may call it, what it accepts (validated before the
 * handler runs, and published in the OpenAPI document) and what it answers.
 */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  access: Access;
  tag: string;
  summary: string;
  query?: Schema;
  /** A JSON body schema, or 'raw' for file uploads streamed by the handler itself. */
  body?: Schema | 'raw';
  /** The answer's shape in words, for the docs. */
  response: string;
  handler: (input: RouteInput) => Promise<unknown>;
  /**
   * Runs outside the served-version gate (server/serving.ts): the routes that switch versions themselves, event
   * streams that stay open for minutes, and a campaign push (it reads only the campaign's frozen members, and its
   * retries with backoff would hold a switch back).
   */
  ungated?: true;
  /** An admin action: every call is appended to the audit log (server/audit.ts) under this name, with its outcome. */
  audit?: string;
}

/** A row of the route table as written: the handler's query and body are the types its schemas validate to. */
export interface TypedRouteSpec<Query extends Schema, Body extends Schema | 'raw'> extends Omit<RouteSpec, 'query' | 'body' | 'handler'> {
  query?: Query;
  body?: Body;
  handler: (input: RouteInput<Infer<Query>, Body extends Schema ? Infer<Body> : Values>) => Promise<unknown>;
}

/**
 * A route table row whose handler sees its query and body typed by the schemas that validate them, as Hono's
 * validator types `c.req.valid()`: a handler that expects a field its schema does not declare does not compile.
 *
 * @example
 * route({ method: 'POST', path: '/api/sql', access: 'analyst', tag: 'sql', summary: '...', response: '...', body: SQL_BODY, handler: runSql });
 * // runSql(input: RouteInput<{}, SqlRequest>)
 */
export function route<Query extends Schema = {}, Body extends Schema | 'raw' = {}>(spec: TypedRouteSpec<Query, Body>): RouteSpec {
  // Sound because createApp validates the query and body against these same schemas before the handler runs.
  return spec as unknown as RouteSpec;
}
