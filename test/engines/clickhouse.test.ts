// The ClickHouse engine against the DuckDB engine on a real 2-shard cluster (Debian's clickhouse-server 18.16,
// started here on loopback ports): the same generated shop and the shared retail log loaded into both, then
// every customer's features, RFM scores, segments, ABC and value tiers and lifecycle compared, as are the cut
// points and the churn labels. Needs /usr/sbin/clickhouse-server (npm test installs it as root); the retail
// part needs ../shared/data.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouse } from '../../data/clickhouse/client.ts';
import { clickhouseConfigFromEnv } from '../../data/clickhouse/config.ts';
import { loadDemo } from '../../data/demo.ts';
import { buildFeatures } from '../../data/features.ts';
import { ingestFile } from '../../data/ingest.ts';
import { sharedDataDir } from '../../data/paths.ts';
import { Store } from '../../data/store.ts';
import { behaviouralLabels } from '../../models/churn/dataset.ts';
import { duckdbEngine, openEngine, type Engine, type EngineProgress } from '../../models/engine/index.ts';
import { Registry } from '../../models/registry/registry.ts';
import { retrain } from '../../models/registry/retrain.ts';
import { buildTiers, tierSummary } from '../../models/tiers/index.ts';
import { CLICKHOUSE_SERVER, startLocalCluster, type LocalCluster } from '../../scripts/clickhouse-cluster.ts';
import { parseCsv, RETAIL_MAPPING } from '../data/support.ts';

const run = promisify(execFile);
const installed = existsSync(CLICKHOUSE_SERVER);
if (!installed) console.warn(`test/engines/clickhouse.test.ts skipped: ${CLICKHOUSE_SERVER} is not installed (npm test installs Debian's clickhouse-server as root; else apt-get install clickhouse-server)`);

/** Two stores' copies of a table, compared customer by customer: doubles within 1e-9, everything else exactly. */
async function differences(expected: Store, actual: Store, table: string): Promise<string[]> {
  const read = async (store: Store) => {
    const columns = await store.all<{ name: string; type: string }>(`SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`);
    // Money and dates as text: compared to the cent and the day, not as floats.
    const select = columns.map((c) => (c.type === 'DOUBLE' ? `"${c.name}"` : `CAST("${c.name}" AS VARCHAR) AS "${c.name}"`));
    const rows = await store.all<Record<string, string | number | null>>(`SELECT ${select.join(', ')} FROM ${table} ORDER BY customer_id`);
    return { columns, rows: new Map(rows.map((r) => [String(r.customer_id), r])) };
  };
  const [a, b] = [await read(expected), await read(actual)];
  const found: string[] = [];
  if (JSON.stringify(a.columns) !== JSON.stringify(b.columns)) found.push(`columns: ${JSON.stringify(a.columns)} vs ${JSON.stringify(b.columns)}`);
  for (const id of new Set([...a.rows.keys(), ...b.rows.keys()])) {
    const [x, y] = [a.rows.get(id), b.rows.get(id)];
    if (!x || !y) {
      found.push(`${id}: only in ${x ? 'DuckDB' : 'ClickHouse'}`);
      continue;
    }
    for (const { name, type } of a.columns) {
      const [u, v] = [x[name], y[name]];
      const same = type === 'DOUBLE' && typeof u === 'number' && typeof v === 'number' ? Math.abs(u - v) <= 1e-9 * Math.max(1, Math.abs(u)) : u === v;
      if (!same) found.push(`${id}.${name}: DuckDB ${u}, ClickHouse ${v}`);
    }
  }
  return found.slice(0, 20);
}

describe.skipIf(!installed)('the ClickHouse engine gives what the DuckDB engine gives (2-shard cluster)', () => {
  let cluster: LocalCluster;
  let nodes: ClickHouse[];
  const stores: Store[] = [];
  const engines: Engine[] = [];
  const home = mkdtempSync(join(tmpdir(), 'tierlab-engines-'));

  const env = (extra: Record<string, string>) => ({
    TIERLAB_CLICKHOUSE_URL: cluster.nodes[0].url,
    TIERLAB_CLICKHOUSE_USER: cluster.user,
    TIERLAB_CLICKHOUSE_PASSWORD: cluster.password,
    ...extra,
  });
  const store = async () => {
    const s = await Store.open({ path: ':memory:' });
    stores.push(s);
    return s;
  };
  const clickhouse = async (extra: Record<string, string>, progress: EngineProgress[] = []) => {
    const engine = await openEngine({ name: 'clickhouse', env: env(extra), onProgress: (p) => progress.push(p) });
    engines.push(engine);
    return engine;
  };
  /** Runs DDL on every node: the local table on each shard, the Distributed table over them everywhere. */
  const createSharded = async (name: string, columns: string, orderBy: string, key: string) => {
    for (const node of nodes) {
      await node.command(`CREATE TABLE ${name}_local (${columns}) ENGINE = MergeTree ORDER BY ${orderBy}`);
      await node.command(`CREATE TABLE ${name} AS ${name}_local ENGINE = Distributed(${cluster.cluster}, default, ${name}_local, ${key})`);
    }
  };
  const insert = (table: string, rows: AsyncIterable<(string | number | null)[]>) => nodes[0].insert(table, rows, { insert_distributed_sync: 1 });
  async function* storeRows(s: Store, sql: string) {
    for (const row of await s.all<Record<string, string | number | null>>(sql)) yield Object.values(row);
  }

  beforeAll(async () => {
    cluster = await startLocalCluster({ shards: 2 });
    nodes = await Promise.all(cluster.nodes.map((n) => ClickHouse.connect(clickhouseConfigFromEnv(env({ TIERLAB_CLICKHOUSE_URL: n.url })))));
  }, 120_000);

  const closeEngines = async () => {
    for (const engine of engines.splice(0)) await engine.close();
  };

  afterAll(async () => {
    await closeEngines();
    for (const node of nodes ?? []) await node.close();
    for (const s of stores) s.close();
    await cluster?.stop();
    rmSync(home, { recursive: true, force: true });
  }, 60_000);

  describe('a generated shop: customers table with and without sign-ups, prospects, customers known only from orders', () => {
    let duck: Store;
    beforeAll(async () => {
      duck = await store();
      await loadDemo(duck, { customers: 5000, seed: 25 });
      // Variety the demo lacks: every tenth customer without a sign-up date, and prospects with and without one.
      await duck.run(`UPDATE customers SET signup_date = NULL WHERE hash(customer_id) % 10 = 0;
        INSERT INTO customers SELECT 'P' || i, CASE WHEN i % 2 = 0 THEN DATE '2025-01-01' + CAST(i AS INTEGER) END, NULL FROM range(40) t(i)`);
      await createSharded('shop_transactions', `customer_id String, order_id String, timestamp DateTime('UTC'), amount Decimal(18,4), product Nullable(String), category Nullable(String), channel Nullable(String)`, '(customer_id, timestamp)', 'cityHash64(customer_id)');
      await createSharded('shop_customers', 'customer_id String, signup_date Nullable(Date)', 'customer_id', 'cityHash64(customer_id)');
      await insert('shop_transactions', storeRows(duck, `SELECT customer_id, order_id, strftime(timestamp, '%Y-%m-%d %H:%M:%S'), CAST(amount AS VARCHAR), product, category, channel FROM transactions`));
      // Customers without a sign-up date who have orders stay out of ClickHouse's customers table: known from orders only.
      await insert('shop_customers', storeRows(duck, `SELECT customer_id, strftime(signup_date, '%Y-%m-%d') FROM customers c
        WHERE signup_date IS NOT NULL OR NOT EXISTS (SELECT 1 FROM transactions t WHERE t.customer_id = c.customer_id)`));
    }, 120_000);

    it('holds its customers on both shards', async () => {
      const perShard = await Promise.all(nodes.map(async (n) => Number((await n.rows('SELECT uniqExact(customer_id) FROM shop_transactions_local'))[0][0])));
      expect(perShard.every((n) => n > 1000)).toBe(true);
      const [[total]] = await nodes[0].rows('SELECT uniqExact(customer_id) FROM shop_transactions');
      expect(perShard[0] + perShard[1]).toBe(Number(total));
    });

    for (const asOf of ['2026-07-01', '2025-07-01']) {
      it(`features, cut points, scores, segments, ABC, value tiers and lifecycle as of ${asOf}`, async () => {
        const progress: EngineProgress[] = [];
        const engine = await clickhouse({ TIERLAB_CLICKHOUSE_TRANSACTIONS: 'shop_transactions', TIERLAB_CLICKHOUSE_CUSTOMERS: 'shop_customers' }, progress);
        const local = await store();
        await buildFeatures(duck, { asOf });
        const duckRules = await buildTiers(duck);
        expect(await engine.buildFeatures(local, { asOf })).toBe(asOf);
        const chRules = await engine.buildTiers(local);

        expect(chRules).toEqual(duckRules);
        expect(await differences(duck, local, 'customer_features')).toEqual([]);
        expect(await differences(duck, local, 'customer_rfm')).toEqual([]);
        const kinds = await local.all<{ segments: number; prospects: number; buyers: number }>(
          `SELECT count(DISTINCT rfm_segment) segments, count(*) FILTER (lifecycle_stage = 'prospect') prospects, count(*) FILTER (r_score IS NOT NULL) buyers FROM customer_rfm`,
        );
        expect(kinds[0].segments).toBeGreaterThan(8);
        expect(kinds[0].prospects).toBeGreaterThan(0);
        expect(kinds[0].buyers).toBeGreaterThan(500);
        expect(progress.map((p) => p.step)).toContain('features: copy into the store');
      });
    }

    it('tierlab rfm --engine clickhouse on the command line: the same summary as DuckDB; progress on stderr without the password', async () => {
      const db = join(home, 'cli.duckdb');
      const cli = (...args: string[]) =>
        run(process.execPath, [join(import.meta.dirname, '..', '..', 'scripts', 'tierlab.mjs'), 'rfm', '--json', '--db', db, '--as-of', '2026-07-01', ...args], {
          env: { ...process.env, ...env({ TIERLAB_CLICKHOUSE_TRANSACTIONS: 'shop_transactions', TIERLAB_CLICKHOUSE_CUSTOMERS: 'shop_customers' }) },
        });
      const { stdout, stderr } = await cli('--engine', 'clickhouse');
      await buildFeatures(duck, { asOf: '2026-07-01' });
      const rules = await buildTiers(duck);
      const printed = JSON.parse(stdout);
      expect(printed.rules).toEqual(rules);
      expect(printed.value_tier).toEqual(await tierSummary(duck, 'value_tier'));
      expect(stderr).toContain('features: per-customer aggregation in ClickHouse (as of 2026-07-01)');
      expect(stderr).not.toContain(cluster.password);
      await expect(cli('--engine', 'spark')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('the engine must be one of duckdb, clickhouse, got "spark"') });
    }, 120_000);

    it('the churn labels of a backtest cutoff', async () => {
      const engine = await clickhouse({ TIERLAB_CLICKHOUSE_TRANSACTIONS: 'shop_transactions' });
      const at = { cutoff: '2026-04-02', horizonDays: 90 };
      const labels = await engine.behaviouralLabels(await store(), at);
      expect(labels.length).toBeGreaterThan(1000);
      expect(labels).toEqual(await behaviouralLabels(duck, at));
    });

    it('the customer-day lines lifetime value fits on', async () => {
      const engine = await clickhouse({ TIERLAB_CLICKHOUSE_TRANSACTIONS: 'shop_transactions' });
      const lines = async (read: Promise<{ customerIds: ArrayLike<string>; timesMs: ArrayLike<number>; amounts: ArrayLike<number> }>) => {
        const { customerIds, timesMs, amounts } = await read;
        return Array.from(customerIds, (id, i) => `${id} ${timesMs[i]} ${amounts[i]}`).sort();
      };
      const fromClickHouse = await lines(engine.dayLines(await store(), { before: '2026-07-01' }));
      expect(fromClickHouse.length).toBeGreaterThan(10_000);
      expect(fromClickHouse).toEqual(await lines(duckdbEngine.dayLines(duck, { before: '2026-07-01' })));
    });

    it('retrain --engine clickhouse: trains on the streamed rows, serves them, and writes the scores back by renaming a new table', async () => {
      const progress: EngineProgress[] = [];
      const engine = await clickhouse({ TIERLAB_CLICKHOUSE_TRANSACTIONS: 'shop_transactions', TIERLAB_CLICKHOUSE_CUSTOMERS: 'shop_customers' }, progress);
      const local = await store();
      const run = await retrain({ home, store: local, engine, seed: 1, churnTrain: { candidates: ['logistic'] } });
      expect(run.outcome, run.reason).toBe('promoted');
      expect(run.written_back).toEqual({ table: 'default.tierlab_customer_scores', rows: (await local.one<{ n: number }>('SELECT count(*) n FROM customer_features'))!.n });
      const steps = progress.map((p) => p.step);
      expect(steps).toContain('tiers: scores, ABC, value tiers, lifecycle');
      expect(steps.filter((s) => s.startsWith('churn labels at'))).toHaveLength(2);
      expect(steps).toContain('lifetime value: customer-day lines before 2026-07-01');

      // What ClickHouse holds now is what the store serves.
      const served = await local.all<Record<string, unknown>>(`SELECT customer_id, rfm_segment, value_tier, CAST(round(churn_probability, 9) AS VARCHAR) p FROM customer_analytics ORDER BY customer_id`);
      const written = await nodes[0].rows(`SELECT customer_id, rfm_segment, value_tier, toString(round(churn_probability, 9)), version, clv_12m FROM tierlab_customer_scores ORDER BY customer_id`);
      expect(written.map(([id, segment, tier]) => [id, segment, tier])).toEqual(served.map((r) => [r.customer_id, r.rfm_segment, r.value_tier]));
      expect(written.filter(([, , , p]) => p !== null).length).toBeGreaterThan(2000);
      expect(written.filter((r) => r[5] !== null).length).toBeGreaterThan(2000);
      expect(new Set(written.map((r) => r[4]))).toEqual(new Set([String(run.version)]));
      // Writing again replaces the table whole: a new table renamed over the old one, which is dropped.
      const again = await engine.writeBack(local, { outputsDir: new Registry(home).dir(run.version!), version: 99 });
      expect(again).toEqual(run.written_back);
      expect(await nodes[0].rows(`SELECT version, count() FROM tierlab_customer_scores GROUP BY version`)).toEqual([['99', String(again!.rows)]]);
      // Closed engines leave none of their work tables behind.
      await closeEngines();
      const [[tables]] = await nodes[0].rows(`SELECT count() FROM system.tables WHERE database = 'default' AND name LIKE 'tierlab_tmp_%'`);
      expect(tables).toBe('0');
    }, 300_000);
  });

  describe.skipIf(!existsSync(sharedDataDir))('the retail log in its own columns, mapped (needs ../shared/data)', () => {
    const file = join(sharedDataDir, 'online_retail.csv');
    const mapping = { TIERLAB_CLICKHOUSE_TRANSACTIONS: 'retail', TIERLAB_CLICKHOUSE_TRANSACTIONS_MAP: Object.entries(RETAIL_MAPPING).map(([field, source]) => `${source}=${field}`).join(',') };
    let duck: Store;
    beforeAll(async () => {
      duck = await store();
      await ingestFile(duck, { kind: 'transactions', file, mapping: RETAIL_MAPPING, skipBadRows: true });
      await createSharded(
        'retail',
        `InvoiceNo String, StockCode String, Description String, Quantity Int32, InvoiceDate DateTime('UTC'), UnitPrice Decimal(18,3), CustomerID Nullable(String), Country String`,
        'InvoiceNo',
        `cityHash64(ifNull(CustomerID, ''))`,
      );
      const [header, ...lines] = parseCsv(readFileSync(file, 'utf8'));
      const order = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'].map((c) => header.indexOf(c));
      async function* rows() {
        for (const line of lines) yield order.map((i) => (line[i].trim() === '' && header[i] === 'CustomerID' ? null : line[i]));
      }
      await insert('retail', rows());
    }, 180_000);

    it('features and tiers of all 4,372 customers (135,080 lines without a customer id left out on both sides)', async () => {
      const engine = await clickhouse(mapping);
      const local = await store();
      await buildFeatures(duck, { asOf: '2011-12-10' });
      const duckRules = await buildTiers(duck);
      await engine.buildFeatures(local, { asOf: await engine.defaultAsOf(local) });
      expect(await engine.buildTiers(local)).toEqual(duckRules);
      expect((await local.one<{ n: number }>('SELECT count(*) n FROM customer_features'))!.n).toBe(4372);
      expect(await differences(duck, local, 'customer_features')).toEqual([]);
      expect(await differences(duck, local, 'customer_rfm')).toEqual([]);
      const perShard = await Promise.all(nodes.map(async (n) => Number((await n.rows('SELECT uniqExact(CustomerID) FROM retail_local WHERE CustomerID IS NOT NULL'))[0][0])));
      expect(perShard.every((n) => n > 1500)).toBe(true);
    });

    it('the churn labels of the 90 days before the end', async () => {
      const at = { cutoff: '2011-09-11', horizonDays: 90 };
      expect(await (await clickhouse(mapping)).behaviouralLabels(await store(), at)).toEqual(await behaviouralLabels(duck, at));
    });
  });

  describe('connect-time checks name the table, the column and the field', () => {
    beforeAll(async () => {
      await createSharded('float_money', 'customer_id String, order_id String, timestamp DateTime, amount Float64', 'customer_id', 'cityHash64(customer_id)');
      await createSharded('random_shards', 'customer_id String, order_id String, timestamp DateTime, amount Decimal(18,2)', 'customer_id', 'rand()');
    });

    it('refuses what it cannot read exactly or per shard', async () => {
      await expect(clickhouse({ TIERLAB_CLICKHOUSE_TRANSACTIONS: 'float_money' })).rejects.toThrow(/ClickHouse table default\.float_money, column amount \(amount\): is Float64; money must be exact/);
      await expect(clickhouse({ TIERLAB_CLICKHOUSE_TRANSACTIONS: 'random_shards' })).rejects.toThrow(/default\.random_shards is sharded by "rand\(\)", not by its customer id column customer_id/);
      await expect(clickhouse({ TIERLAB_CLICKHOUSE_TRANSACTIONS: 'no_such_table' })).rejects.toThrow(/ClickHouse table default\.no_such_table \(TIERLAB_CLICKHOUSE_TRANSACTIONS\) does not exist/);
      await expect(clickhouse({ TIERLAB_CLICKHOUSE_TRANSACTIONS: 'shop_transactions', TIERLAB_CLICKHOUSE_TRANSACTIONS_MAP: 'Amount=amount' })).rejects.toThrow(
        /names column Amount, which ClickHouse table default\.shop_transactions does not have; it has: customer_id, order_id/,
      );
      // The retail table (its own column names) is loaded only where ../shared/data is beside the project.
      if (existsSync(sharedDataDir)) {
        await expect(clickhouse({ TIERLAB_CLICKHOUSE_TRANSACTIONS: 'shop_transactions', TIERLAB_CLICKHOUSE_CUSTOMERS: 'retail' })).rejects.toThrow(/no column for customer_id/);
      }
    });

    it('never shows the password, and says so when it is wrong', async () => {
      const wrong = openEngine({ name: 'clickhouse', env: { ...env({ TIERLAB_CLICKHOUSE_TRANSACTIONS: 'shop_transactions' }), TIERLAB_CLICKHOUSE_PASSWORD: 'not-the-password' } });
      await expect(wrong).rejects.toThrow(/ClickHouse at http:\/\/127\.0\.0\.1:\d+ cannot be queried: .*(password|Authentication)/i);
      await wrong.catch((error: Error) => expect(error.message).not.toContain('not-the-password'));
      const engine = await clickhouse({ TIERLAB_CLICKHOUSE_TRANSACTIONS: 'shop_transactions' });
      expect(JSON.stringify(engine.describe())).not.toContain(cluster.password);
      expect(engine.describe()).toMatchObject({ engine: 'clickhouse', version: '18.16.1', user: 'tierlab', sharded: true });
    });
  });
});
