import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ClickHouse } from '../../data/clickhouse/client.ts';
import { clickhouseConfigFromEnv } from '../../data/clickhouse/config.ts';
import { buildFeatures } from '../../data/features.ts';
import { literal, Store } from '../../data/store.ts';
import { ClickHouseEngine } from '../../models/engine/clickhouse.ts';
import type { EngineProgress } from '../../models/engine/index.ts';
import { buildTiers } from '../../models/tiers/index.ts';
import { CLICKHOUSE_SERVER, startLocalCluster, type LocalCluster } from '../clickhouse-cluster.ts';
import { ensureDebianPackage } from '../debian.mjs';
import { generateHistory } from './_history.ts';
import { median, progress, timeMs, type BenchResult } from './result.ts';

const SIZES = [
  { lines: 1_000_000, customers: 100_000, runs: 3 },
  { lines: 10_000_000, customers: 1_000_000, runs: 1 },
];
const AS_OF = '2026-01-01';

interface EngineRun {
  totalMs: number;
  /** ClickHouse: the per-customer aggregation on the shards, into a table on the initiating node. */
  aggregateMs?: number;
  /** ClickHouse: per-customer rows streamed into the store (features, then tiers). */
  copyFeaturesMs?: number;
  tiersMs: number;
  featuresMs: number;
}

/** The same history in ClickHouse: DuckDB writes it as TabSeparated, ClickHouse reads it through the Distributed table. */
async function loadIntoClickHouse(store: Store, cluster: LocalCluster, nodes: ClickHouse[], dir: string): Promise<number> {
  for (const node of nodes) {
    for (const t of ['bench_transactions', 'bench_transactions_local', 'bench_customers', 'bench_customers_local']) await node.command(`DROP TABLE IF EXISTS ${t}`);
    await node.command(`CREATE TABLE bench_transactions_local (customer_id String, order_id String, timestamp DateTime('UTC'), amount Decimal(18,4), product Nullable(String), category Nullable(String)) ENGINE = MergeTree ORDER BY (customer_id, timestamp)`);
    await node.command(`CREATE TABLE bench_transactions AS bench_transactions_local ENGINE = Distributed(${cluster.cluster}, default, bench_transactions_local, cityHash64(customer_id))`);
    await node.command(`CREATE TABLE bench_customers_local (customer_id String, signup_date Nullable(Date)) ENGINE = MergeTree ORDER BY customer_id`);
    await node.command(`CREATE TABLE bench_customers AS bench_customers_local ENGINE = Distributed(${cluster.cluster}, default, bench_customers_local, cityHash64(customer_id))`);
  }
  const tables = {
    bench_transactions: `SELECT customer_id, order_id, strftime(timestamp, '%Y-%m-%d %H:%M:%S'), amount, product, category FROM transactions`,
    bench_customers: `SELECT customer_id, signup_date FROM customers`,
  };
  const { ms } = await timeMs(async () => {
    for (const [table, sql] of Object.entries(tables)) {
      const file = join(dir, `${table}.tsv`);
      await store.run(`COPY (${sql}) TO ${literal(file)} (FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '', NULLSTR '\\N')`);
      const url = `${cluster.nodes[0].url}/?query=${encodeURIComponent(`INSERT INTO ${table} FORMAT TabSeparated`)}&insert_distributed_sync=1`;
      const response = await fetch(url, {
        method: 'POST',
        body: Readable.toWeb(createReadStream(file)) as ReadableStream,
        duplex: 'half',
        headers: { Authorization: `Basic ${Buffer.from(`${cluster.user}:${cluster.password}`).toString('base64')}` },
      } as RequestInit);
      if (!response.ok) throw new Error(`loading ${table} into ClickHouse: ${await response.text()}`);
      rmSync(file);
    }
  });
  return ms;
}

/** Rows in one table and not the other, both ways: 0 means the engines agree on every customer. */
async function differingRows(store: Store, a: string, b: string): Promise<number> {
  const { n } = (await store.one<{ n: number }>(`SELECT (SELECT count(*) FROM (SELECT * FROM ${a} EXCEPT SELECT * FROM ${b})) + (SELECT count(*) FROM (SELECT * FROM ${b} EXCEPT SELECT * FROM ${a})) AS n`))!;
  return n;
}

/**
 * Features + tiers for 1 M and 10 M lines (100,000 and 1,000,000 customers) in DuckDB and in a 2-shard ClickHouse
 * cluster on this machine (Debian's 18.16, started here). Both read the same history; the ClickHouse figures
 * include streaming every per-customer row into the store. Value: ClickHouse's time at 10 M lines.
 */
export default async function bench(): Promise<BenchResult> {
  const missing = ensureDebianPackage({ pkg: 'clickhouse-server', binary: CLICKHOUSE_SERVER, why: 'the engines benchmark' });
  if (missing) return { bench: 'engines', metric: 'clickhouse_10m_ms', value: NaN, unit: 'ms', goal: 'run on a 2-shard cluster', met: false, skipped: missing };
  progress('starting a 2-shard ClickHouse cluster on loopback ports');
  const cluster = await startLocalCluster({ shards: 2 });
  const env = { TIERLAB_CLICKHOUSE_URL: cluster.nodes[0].url, TIERLAB_CLICKHOUSE_USER: cluster.user, TIERLAB_CLICKHOUSE_PASSWORD: cluster.password };
  const config = clickhouseConfigFromEnv({ ...env, TIERLAB_CLICKHOUSE_TRANSACTIONS: 'bench_transactions', TIERLAB_CLICKHOUSE_CUSTOMERS: 'bench_customers' });
  const nodes = await Promise.all(cluster.nodes.map((n) => ClickHouse.connect({ ...config, url: n.url })));
  const dir = mkdtempSync(join(tmpdir(), 'tierlab-bench-engines-'));
  const sizes: Record<string, unknown>[] = [];
  try {
    for (const size of SIZES) {
      const store = await Store.open({ path: ':memory:' });
      try {
        progress(`${size.lines.toLocaleString('en')} lines of ${size.customers.toLocaleString('en')} customers: generating in DuckDB`);
        await generateHistory(store, size);
        const loadMs = await loadIntoClickHouse(store, cluster, nodes, dir);
        const shards = await Promise.all(nodes.map(async (n) => Number((await n.rows('SELECT count() FROM bench_transactions_local'))[0][0])));
        progress(`loaded into ClickHouse in ${Math.round(loadMs)} ms (lines per shard: ${shards.join(', ')})`);

        const duckdb: EngineRun[] = [];
        for (let r = 0; r < size.runs; r++) {
          const features = await timeMs(() => buildFeatures(store, { asOf: AS_OF }));
          const tiers = await timeMs(() => buildTiers(store));
          duckdb.push({ featuresMs: Math.round(features.ms), tiersMs: Math.round(tiers.ms), totalMs: Math.round(features.ms + tiers.ms) });
          progress(`DuckDB run ${r + 1}: ${JSON.stringify(duckdb.at(-1))}`);
        }
        await store.run(`CREATE TABLE duckdb_features AS FROM customer_features; CREATE TABLE duckdb_rfm AS FROM customer_rfm`);

        const steps: EngineProgress[] = [];
        const engine = await ClickHouseEngine.open(config, { onProgress: (p) => steps.push(p) });
        const clickhouse: EngineRun[] = [];
        try {
          for (let r = 0; r < size.runs; r++) {
            steps.length = 0;
            const features = await timeMs(() => engine.buildFeatures(store, { asOf: AS_OF }));
            const tiers = await timeMs(() => engine.buildTiers(store));
            const stepMs = (step: string) => Number(steps.find((s) => s.step === step)?.ms);
            clickhouse.push({
              featuresMs: Math.round(features.ms),
              aggregateMs: stepMs(`features: per-customer aggregation in ClickHouse (as of ${AS_OF})`),
              copyFeaturesMs: stepMs('features: copy into the store'),
              tiersMs: Math.round(tiers.ms),
              totalMs: Math.round(features.ms + tiers.ms),
            });
            progress(`ClickHouse run ${r + 1}: ${JSON.stringify(clickhouse.at(-1))}`);
          }
        } finally {
          await engine.close();
        }
        const rows = (await store.one<{ f: number; t: number }>(`SELECT (SELECT count(*) FROM customer_features) f, (SELECT count(*) FROM customer_rfm) t`))!;
        const differing = (await differingRows(store, 'duckdb_features', 'customer_features')) + (await differingRows(store, 'duckdb_rfm', 'customer_rfm'));
        const pick = (runs: EngineRun[]) => runs.find((run) => run.totalMs === median(runs.map((x) => x.totalMs)))!;
        sizes.push({
          lines: size.lines,
          customers: size.customers,
          runs: size.runs,
          duckdb: pick(duckdb),
          clickhouse: pick(clickhouse),
          rowsMovedIntoTierlab: rows.f + rows.t,
          clickhouseLoadMs: Math.round(loadMs),
          linesPerShard: shards,
          differingRows: differing,
        });
      } finally {
        store.close();
      }
    }
  } finally {
    for (const node of nodes) await node.close();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const largest = sizes.at(-1) as { clickhouse: EngineRun };
  const identical = sizes.every((s) => s.differingRows === 0);
  return {
    bench: 'engines',
    metric: 'clickhouse_10m_lines_features_and_tiers_ms',
    value: largest.clickhouse.totalMs,
    unit: 'ms',
    goal: 'features + tiers for 1 M and 10 M lines on DuckDB and on a 2-shard ClickHouse cluster, the same rows from both',
    met: identical,
    sizes,
  };
}
