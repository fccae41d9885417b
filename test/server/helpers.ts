import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { refreshAnalyticsView } from '../../data/analytics.ts';
import { loadDemo } from '../../data/demo.ts';
import { Store } from '../../data/store.ts';
import { rebuildDerived } from '../../models/derived.ts';
import { createApp, type CreateAppOptions, type TierlabApp } from '../../server/app.ts';
import type { AppDeps } from '../../server/context.ts';
import { TokenStore, type Role } from '../../server/auth.ts';

export interface Fixture {
  store: Store;
  home: string;
  app: TierlabApp['app'];
  /** The app's dependencies (job runner, caches, tokens). */
  deps: AppDeps;
  tokens: Record<Role, string>;
  /** app.request with a role's token (or none) and JSON helpers. */
  call(method: string, path: string, options?: { role?: Role; token?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string> }): Promise<Response>;
  close(): void;
}

/** A small seeded demo store (features and tiers built) behind an app, with one token per role. */
export async function fixture(options: Partial<CreateAppOptions> & { customers?: number } = {}): Promise<Fixture> {
  const home = mkdtempSync(join(tmpdir(), 'tierlab-server-test-'));
  const store = await Store.open({ path: ':memory:' });
  await loadDemo(store, { customers: options.customers ?? 300, seed: 7 });
  await rebuildDerived(store);
  const tokenStore = new TokenStore(home);
  const tokens = { admin: tokenStore.create('admin'), analyst: tokenStore.create('analyst'), retention: tokenStore.create('retention') };
  const { app, deps } = await createApp({ log: () => {}, ...options, store, home });
  return {
    store,
    home,
    app,
    deps,
    tokens,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      const token = o.token ?? (o.role ? tokens[o.role] : undefined);
      if (token) headers.authorization = `Bearer ${token}`;
      let body = o.body;
      if (o.json !== undefined) {
        body = JSON.stringify(o.json);
        headers['content-type'] = 'application/json';
      }
      return app.request(path, { method, headers, body });
    },
    close() {
      store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Row counts and a content hash of the input tables: "the stored data is unchanged". */
export async function fingerprint(store: Store): Promise<string> {
  const parts: unknown[] = [];
  for (const table of ['customers', 'transactions', 'feedback', 'customer_features', 'customer_rfm']) {
    parts.push(await store.one(`SELECT count(*) AS n, sum(hash(t)) AS h FROM ${table} t`));
  }
  return JSON.stringify(parts, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
}

/**
 * A stand-in churn stage over the fixture's features (risk grows with recency; "high" past `highAfterDays`), so
 * risk filters, the at-risk list and campaigns have columns to work on without training.
 */
export async function standInChurn(store: Store, highAfterDays: number): Promise<void> {
  await store.run(`CREATE TABLE customer_churn AS SELECT customer_id, least(recency_days / 400.0, 1) AS churn_probability,
    CASE WHEN recency_days > ${Number(highAfterDays)} THEN 'high' ELSE 'low' END AS risk_band, least(recency_days / 400.0, 1) * monetary AS value_at_risk,
    '[]' AS reasons FROM customer_features`);
  await refreshAnalyticsView(store);
}
