import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainAll } from '../../models/pipeline.ts';
import { loadDemo } from '../../data/demo.ts';
import { Store } from '../../data/store.ts';
import { TokenStore } from '../../server/auth.ts';
import { startServer } from '../../server/start.ts';
import { measureLoad, type Measured, type Scenario } from './_load.ts';
import { progress, timeMs, type BenchResult } from './result.ts';

const CUSTOMERS = 100_000;
const SECONDS = 5;
const CONNECTIONS = 10;
const GOAL = { lookupP99Ms: 20, lookupRps: 2000 };

/** Demo data, features and tiers, then the training pipeline when it exists (churn scores for the at-risk list). */
async function prepare(store: Store): Promise<Record<string, number>> {
  const times: Record<string, number> = {};
  progress(`loading ${CUSTOMERS} demo customers`);
  times.demoMs = (await timeMs(() => loadDemo(store, { customers: CUSTOMERS }))).ms;
  progress('training every stage (models/pipeline.ts trainAll)');
  times.trainMs = (await timeMs(() => trainAll(store, { onProgress: (step: string) => progress(`  ${step}`) }))).ms;
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(v)]));
}

/**
 * The HTTP API under load on 127.0.0.1 with 100,000 demo customers: random customer lookups, a filtered
 * customer page and the at-risk list, each for 5 s. Value: lookup p99 (ms); goal also >= 2,000 req/s, no errors.
 * TIERLAB_BENCH_DB=path reuses a prepared store instead of building one.
 */
export default async function bench(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tierlab-bench-api-'));
  const reuse = process.env.TIERLAB_BENCH_DB;
  const store = await Store.open({ path: reuse ?? join(dir, 'bench.duckdb') });
  try {
    const setup = reuse ? {} : await prepare(store);
    const token = new TokenStore(dir).create('admin');
    const server = await startServer({ port: 0, host: '127.0.0.1', store, home: dir, log: () => {} });
    try {
      const ids = (await store.all<{ id: string }>('SELECT customer_id AS id FROM customer_features ORDER BY random() LIMIT 20000')).map((r) => r.id);
      const columns = new Set((await store.all<{ column_name: string }>('DESCRIBE customer_analytics')).map((c) => c.column_name));
      const segment = (await store.one<{ s: string }>('SELECT rfm_segment AS s FROM customer_rfm GROUP BY 1 ORDER BY count(*) DESC LIMIT 1'))!.s;
      const scenarios: Scenario[] = [
        { name: 'customer lookup', paths: ids.map((id) => `/api/customers/${encodeURIComponent(id)}`) },
        { name: 'filtered customer page', paths: [`/api/customers?rfm_segment=${encodeURIComponent(segment)}&sort=monetary&order=desc&limit=50`] },
      ];
      if (columns.has('churn_probability')) scenarios.push({ name: 'at-risk list', paths: ['/api/churn/at-risk?limit=100'] });
      else progress('no churn scores: the at-risk scenario is skipped');
      await fetch(`${server.url}${scenarios[0].paths[0]}`, { headers: { authorization: `Bearer ${token}` } }); // fills the cache
      const results: Measured[] = [];
      for (const scenario of scenarios) {
        progress(`${scenario.name}: ${SECONDS} s, ${CONNECTIONS} connections`);
        const measured = await measureLoad(server.url, token, scenario, { connections: CONNECTIONS, seconds: SECONDS });
        progress(`  ${measured.requestsPerSecond} req/s, p50 ${measured.p50Ms} ms, p99 ${measured.p99Ms} ms, errors ${measured.errors}, non-2xx ${measured.non2xx}`);
        results.push(measured);
      }
      const lookup = results[0];
      const clean = results.every((r) => r.errors === 0 && r.non2xx === 0);
      return {
        bench: 'api',
        metric: 'customer_lookup_p99_ms',
        value: lookup.p99Ms,
        unit: 'ms',
        goal: `lookup p99 < ${GOAL.lookupP99Ms} ms and >= ${GOAL.lookupRps} req/s, zero errors, at ${CUSTOMERS} customers`,
        met: lookup.p99Ms < GOAL.lookupP99Ms && lookup.requestsPerSecond >= GOAL.lookupRps && clean,
        customers: (await store.one<{ n: number }>('SELECT count(*) AS n FROM customer_features'))!.n,
        connections: CONNECTIONS,
        secondsPerScenario: SECONDS,
        scenarios: results,
        setup,
      };
    } finally {
      await server.close();
    }
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
