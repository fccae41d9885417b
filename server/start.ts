import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { TierlabError, badInput } from '../data/errors.ts';
import { tierlabHome } from '../data/paths.ts';
import { Store } from '../data/store.ts';
import { withEngine } from '../models/engine/index.ts';
import { retrain } from '../models/registry/retrain.ts';
import { createApp, type CreateAppOptions, type TierlabApp } from './app.ts';
import type { AppDeps } from './context.ts';
import { TokenStore } from './auth.ts';
import type { TrainFunction } from './context.ts';
import { announceServer, LOCAL_CLI_NAME, newLocalCredential, withdrawServer } from './discovery.ts';
import { limitsFromEnv } from './limits.ts';

export interface StartOptions extends Partial<Omit<CreateAppOptions, 'store' | 'home'>> {
  /** 0 picks a free port (tests). Default 8787, or PORT. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** An open store to serve; otherwise `dbPath` (default: the runtime folder's store) is opened and closed with the server. */
  store?: Store;
  dbPath?: string;
  home?: string;
  /**
   * Write <home>/server.json (server/discovery.ts) so commands on the same home go through this server; removed
   * at close. `tierlab serve` does; tests that only need a socket do not.
   */
  announce?: boolean;
}

export interface RunningServer {
  url: string;
  app: TierlabApp['app'];
  /** The app's dependencies: its job runner, caches and tokens. */
  deps: AppDeps;
  store: Store;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * The training job: the lead's retrain (train a candidate, keep it as a version, promote when not worse), on the
 * engine TIERLAB_ENGINE names (models/engine; ClickHouse settings from the environment).
 */
export const retrainJob: TrainFunction = async ({ store, home, signal, settings = {}, onProgress }) => {
  const run = await withEngine({ onProgress: (progress) => onProgress({ step: progress.step }) }, (engine) =>
    retrain({
      home,
      store,
      signal,
      engine,
      applyPromoted: false, // the app switches between requests (server/serving.ts)
      // Only what was asked for: an undefined would override retrain's defaults.
      ...(settings.promote && { promote: settings.promote }),
      ...(settings.tolerance !== undefined && { aucTolerance: settings.tolerance }),
      ...(settings.as_of && { asOf: settings.as_of }),
      ...(settings.horizon_days !== undefined && { horizonDays: settings.horizon_days }),
      onEvent: (event) => {
        if (event.event === 'progress' || event.event === 'start' || event.event === 'done') {
          onProgress({ step: String(event.stage ?? event.step ?? event.event), fraction: event.fraction as number, message: typeof event.message === 'string' ? event.message : event.event === 'progress' && event.step !== event.stage ? String(event.step) : undefined });
        }
      },
    }),
  );
  if (run.outcome === 'failed') {
    // A reason Tierlab wrote is for users; anything else (DuckDB's words, a bug) stays in the log and runs.jsonl.
    if (run.error_code !== 'internal') throw new TierlabError('failed', `training failed: ${run.reason}`);
    console.error(`training run ${run.run_id} failed: ${run.reason}`);
    throw new TierlabError('failed', `training failed on an internal error (run ${run.run_id}; the server log has the details)`);
  }
  return run;
};

/**
 * Serves the app on a socket. Refuses a non-loopback address while no token exists: an open analytics
 * server with customer data must never be one flag away.
 *
 * @example
 * const server = await startServer({ port: 0, store });
 * await fetch(`${server.url}/api/health`);
 * await server.close();
 */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (process.env.PORT ? Number(process.env.PORT) : 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw badInput(`port must be 0..65535, got ${port}`, { field: 'port' });
  const home = options.home ?? tierlabHome();
  if (!LOOPBACK.has(host) && new TokenStore(home).size === 0) {
    throw badInput(`refusing to listen on ${host} with no tokens: anyone on the network could read the data. Create one first: tierlab token create --role admin`, { field: 'host' });
  }
  const store = options.store ?? (await Store.open({ path: options.dbPath, purpose: 'server' }));
  // Limits from the environment (TIERLAB_SQL_TIMEOUT_MS=...), under those given in code.
  const { app, deps } = await createApp({ train: retrainJob, ...options, limits: { ...limitsFromEnv(process.env), ...options.limits }, store, home });
  deps.customers.warm();
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shown}:${address.port}`;
  if (options.announce) {
    const token = newLocalCredential();
    deps.tokens.addLocal(token, { name: LOCAL_CLI_NAME, role: 'admin' });
    // A wildcard listen is reached on loopback by commands on this machine.
    const local = LOOPBACK.has(host) ? url : `http://127.0.0.1:${address.port}`;
    announceServer(home, { url: local, pid: process.pid, started_at: new Date().toISOString(), token });
  }
  return {
    url,
    app,
    deps,
    store,
    async close() {
      if (options.announce) withdrawServer(home);
      await deps.jobs.close();
      deps.tokens.flushUsage();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive and event-stream connections would hold close() open.
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
      deps.customers.close();
      if (!options.store) store.close();
    },
  };
}
