import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { serveStatic } from '@hono/node-server/serve-static';
import { TierlabError, badInput } from '../data/errors.ts';
import { sharedDataDir } from '../data/paths.ts';
import type { Store } from '../data/store.ts';
import { TokenStore } from './auth.ts';
import { auditedRun } from './audit-route.ts';
import { AdmissionQueue } from './admission.ts';
import type { AppDeps, AppEnv, CommandRunner, RouteSpec, TrainFunction } from './context.ts';
import { CustomerCache } from './customer-cache.ts';
import { JobRunner, SerialQueue } from './jobs.ts';
import { buildMissingPages } from './writer.ts';
import { DEFAULT_LIMITS, type Limits } from './limits.ts';
import { auth } from './middleware/auth/index.ts';
import { onError, routeNotFound } from './middleware/errors/index.ts';
import { authFailureLimit } from './middleware/rate-limit/index.ts';
import { requestLog } from './middleware/request-log/index.ts';
import { securityHeaders } from './middleware/security-headers/index.ts';
import { removeStaleUploads, uploadsDir } from './routes/datasets.ts';
import { ROUTES } from './routes/index.ts';
import { ServedVersion } from './serving.ts';
import { singleQueryValues, validate, type Values } from './validate.ts';

export interface CreateAppOptions {
  store: Store;
  /** The runtime folder (tokens, notebooks, registry, uploads). */
  home: string;
  limits?: Partial<Limits>;
  /** Allowed browser origins; default from TIERLAB_CORS_ORIGINS (comma-separated), none when unset. */
  corsOrigins?: string[];
  /** The built UI; default dist/web of the project. */
  webDir?: string;
  /** Turn the store's file access off except for uploads and the registry (default true; it cannot be undone). */
  lockDown?: boolean;
  /** Request log lines; default: JSON to stdout. */
  log?: (line: Record<string, unknown>) => void;
  train?: TrainFunction;
  commands?: CommandRunner;
}

/** What createApp builds: the Hono app, and the dependencies its routes share (jobs, caches, tokens, queues). */
export interface TierlabApp {
  app: Hono<AppEnv>;
  deps: AppDeps;
}

/**
 * DuckDB's file access is instance-wide: SQL cells must not read /etc/passwd, while uploads and the registry's
 * Parquet copies must still work. Allow exactly those folders, then switch external access off for good.
 */
async function lockDownStore(store: Store, home: string): Promise<void> {
  const row = await store.one<{ on: boolean }>(`SELECT current_setting('enable_external_access') AS "on"`);
  if (!row?.on) return;
  const dirs = [uploadsDir(home), join(home, 'registry'), sharedDataDir, store.filesDir].map((d) => `'${d.replaceAll("'", "''")}/'`);
  await store.run(`SET allowed_directories = [${dirs.join(', ')}]`);
  await store.run('SET enable_external_access = false');
}

function sqlQueue(role: string, slots: number, limits: Limits): AdmissionQueue {
  return new AdmissionQueue({ slots, queueDepth: limits.sqlQueueDepth, queueWaitMs: limits.sqlQueueWaitMs, name: `SQL cells of the ${role} role`, retryAfterSeconds: limits.sqlTimeoutMs / 1000 });
}

/** Query text, JSON body or nothing, validated against the route's schemas. */
async function readInput(c: Context, route: RouteSpec): Promise<{ query: Values; body: Values }> {
  const rawQuery = singleQueryValues(c.req.queries());
  delete rawQuery.token; // EventSource cannot send headers: the events route takes its token here
  const query = validate(route.query ?? {}, rawQuery, 'query');
  if (route.body === 'raw' || route.method === 'GET') return { query, body: {} };
  const text = await c.req.text();
  // A route without a body schema takes nothing, or `{}`: fields sent to it would be silently ignored. A schema
  // whose fields are all optional takes nothing too (POST /api/jobs/train with no settings).
  if (!text.trim() && (!route.body || !Object.values(route.body).some((field) => field.required))) return { query, body: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badInput(route.body ? 'the body is not valid JSON' : 'this route takes no body (or an empty JSON object)', { field: 'body' });
  }
  return { query, body: validate(route.body ?? {}, parsed, 'body') };
}

/**
 * The Tierlab HTTP app: the route table behind one auth, validation and error layer, plus the built UI.
 *
 * @example
 * const { app, deps } = await createApp({ store, home });
 * const res = await app.request('/api/health');
 */
export async function createApp(options: CreateAppOptions): Promise<TierlabApp> {
  const { store, home } = options;
  if (options.lockDown ?? true) await lockDownStore(store, home);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const writes = new SerialQueue();
  const log = options.log ?? ((line) => process.stdout.write(`${JSON.stringify(line)}\n`));
  const customers = new CustomerCache(store, {
    pageCacheBytes: limits.pageCacheBytes,
    onPagesMissing: (unreadable) => {
      // Files there but not the table's are not rebuilt (writer.ts): said once, lookups read the source tables.
      if (unreadable) log({ time: new Date().toISOString(), event: 'customer_pages_unreadable', message: unreadable.message });
      void buildPages();
    },
  });
  const buildPages = async () => {
    const started = Date.now();
    try {
      const built = await buildMissingPages(deps);
      // Built: read them. There already (files that cannot be read): lookups stay on the source tables, or each
      // would read the list again only to find the same files.
      if (built === null) return;
      log({ time: new Date().toISOString(), event: 'customer_pages_built', customers: built, ms: Date.now() - started });
      customers.invalidate();
    } catch (error) {
      // Left to the next invalidation (a write, a switch); lookups keep reading the source tables.
      log({ time: new Date().toISOString(), event: 'customer_pages_failed', message: (error as Error).message });
    }
  };
  removeStaleUploads(home);
  const deps: AppDeps = {
    store,
    home,
    tokens: new TokenStore(home),
    jobs: new JobRunner(),
    customers,
    limits,
    writes,
    train: options.train,
    commands: options.commands,
    served: new ServedVersion({ store, home, writes, log, onSwitch: () => customers.invalidate() }),
    sqlQueues: {
      analyst: sqlQueue('analyst', limits.sqlSlotsAnalyst, limits),
      admin: sqlQueue('admin', limits.sqlSlotsAdmin, limits),
    },
  };
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.use(requestLog({ write: log }));
  app.use(securityHeaders());
  const origins = options.corsOrigins ?? (process.env.TIERLAB_CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  if (origins.length) app.use('/api/*', cors({ origin: origins, allowHeaders: ['Authorization', 'Content-Type'], allowMethods: ['GET', 'POST', 'PUT', 'DELETE'] }));
  app.use('/api/*', authFailureLimit({ perMinute: limits.authFailuresPerMinute }));

  const jsonLimit = bodyLimit({ maxSize: limits.jsonBytes, onError: () => { throw new TierlabError('too_large', `the body is larger than ${limits.jsonBytes} bytes`); } });
  for (const route of ROUTES) {
    const handlers = [
      auth({ tokens: deps.tokens, access: route.access, tokenInQuery: route.path.endsWith('/events') }),
      ...(route.body !== 'raw' && route.method !== 'GET' ? [jsonLimit] : []),
      async (c: Context<AppEnv>) => {
        const params = c.req.param() as Record<string, string>;
        const run = () =>
          auditedRun(route, deps.home, c.get('caller'), params, async () => {
            const { query, body } = await readInput(c, route);
            const result = await route.handler({ c, deps, params, query, body, role: c.get('role'), caller: c.get('caller') });
            return result instanceof Response ? result : c.json(result as object);
          });
        // A request runs on one served version (route.ungated says why some do not).
        return route.ungated ? run() : deps.served.request(run);
      },
    ];
    app.on(route.method, route.path, ...(handlers as [any, any]));
  }
  // An unknown API path must not fall through to the UI's index.html below.
  const missing = routeNotFound({ routes: ROUTES });
  app.all('/api/*', missing);
  app.notFound(missing);

  const webDir = options.webDir ?? join(import.meta.dirname, '..', 'dist', 'web');
  app.use('/*', serveStatic({ root: webDir }));
  app.get('/*', (c) => {
    const index = join(webDir, 'index.html');
    if (!existsSync(index)) return c.text('The UI is not built: run `npm run build`. The API is at /api (docs: /api/docs).', 404);
    return c.html(readFileSync(index, 'utf8'));
  });
  // Before the first request: the active version checked (a damaged one replaced), stale features rebuilt.
  await deps.served.start();
  return { app, deps };
}
