import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../data/store.ts';
import { exportOutputs } from '../../models/registry/outputs.ts';
import { Registry } from '../../models/registry/registry.ts';
import { SerialQueue } from '../../server/jobs.ts';
import { ServedVersion } from '../../server/serving.ts';

const manifest = {
  created_at: '2026-01-01T00:00:00Z',
  data_snapshot: { as_of: '2026-01-01', from: null, to: null, rows: { customers: 2, transactions: 0, feedback: 0 }, content_hash: 'sha256:x' },
  config: {},
  libraries: {},
  backend: 'cpu',
  evaluation: {},
};

/** Two versions whose outputs differ: every customer's value tier is 'v1' in one and 'v2' in the other. */
async function twoVersions(store: Store, home: string): Promise<Registry> {
  const registry = new Registry(home);
  for (const tier of ['v1', 'v2']) {
    await store.run(`CREATE OR REPLACE TABLE customer_features AS SELECT * FROM (VALUES ('a', 1), ('b', 2)) t(customer_id, frequency)`);
    await store.run(`CREATE OR REPLACE TABLE customer_rfm AS SELECT customer_id, '${tier}' AS value_tier FROM customer_features`);
    await registry.write(manifest, {}, async (dir) => {
      await exportOutputs(store, dir);
    });
  }
  return registry;
}

const tiers = async (store: Store) => (await store.all<{ value_tier: string }>('SELECT value_tier FROM customer_rfm ORDER BY customer_id')).map((r) => r.value_tier);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a version's files", () => {
  it('hold every row of each table, written without keeping row order, and leave the setting as it was', async () => {
    const home = mkdtempSync(join(tmpdir(), 'outputs-'));
    const store = await Store.open({ path: ':memory:' });
    try {
      await store.run(`CREATE TABLE customer_features AS SELECT 'c' || i AS customer_id, i AS frequency FROM range(50000) r(i)`);
      const setting = async () => (await store.one<{ on: boolean }>(`SELECT current_setting('preserve_insertion_order') AS "on"`))!.on;
      expect(await setting()).toBe(true);
      expect(await exportOutputs(store, home)).toEqual(['customer_features']);
      expect(await setting()).toBe(true);
      const file = join(home, 'customer_features.parquet');
      expect(await store.all(`SELECT count(*) AS n, sum(frequency) AS total FROM read_parquet('${file}')`)).toEqual([{ n: 50000, total: (49999 * 50000) / 2 }]);
    } finally {
      store.close();
    }
  });
});

describe('serving follows the active version', () => {
  it('switches to a version activated elsewhere before the next request, never inside one', async () => {
    const home = mkdtempSync(join(tmpdir(), 'serving-'));
    const store = await Store.open({ path: ':memory:' });
    try {
      const registry = await twoVersions(store, home);
      const served = new ServedVersion({ store, home, writes: new SerialQueue(), checkEveryMs: 0 });
      registry.activate(1);
      expect(await served.request(() => tiers(store))).toEqual(['v1', 'v1']);

      // A long request reads twice; the pointer moves in between (as `tierlab models activate 2` would do) and
      // another request arrives: the switch waits for the long request, which sees one version throughout.
      const long = served.request(async () => {
        const first = await tiers(store);
        await sleep(150);
        return [first, await tiers(store)];
      });
      await sleep(20);
      registry.activate(2);
      const next = served.request(() => tiers(store));
      const [first, second] = await long;
      expect(first).toEqual(['v1', 'v1']);
      expect(second).toEqual(['v1', 'v1']);
      expect(await next).toEqual(['v2', 'v2']);

      registry.rollback();
      expect(await served.request(() => tiers(store))).toEqual(['v1', 'v1']);
    } finally {
      store.close();
    }
  });
});
