import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { livePageQuery } from '../../data/customer-pages.ts';
import { pageFileNames, PageFileReader } from '../../data/page-files.ts';
import { Store } from '../../data/store.ts';
import { rebuildDerived } from '../../models/derived.ts';

/**
 * The page files (data/page-files.ts) hold each page as the bytes between a line's last \x01 and its newline:
 * text that could break that (newlines, the separator and quote characters themselves, quotes, commas, Chinese,
 * emoji, an id with a comma and a space) must come back byte for byte.
 */
describe('page files', () => {
  let store: Store;
  const awkward = ['line one\nline two\r\nthree', 'sep \x01 quote \x02 end', 'He said "no", then left', '酒店很好，服务一流 👍', '', 'x', 'y', 'z'];
  // The last three the CSV writer quotes: the pages' files must still be read right.
  const ids = ['A,1 x', 'B\ttab', 'C"q', 'D plain', 'E 客户', 'F new\nline', 'G sep\x01', 'H quote\x02\x02 twice'];
  beforeAll(async () => {
    store = await Store.open({ path: ':memory:' });
    for (const [i, id] of ids.entries()) {
      await store.run(`INSERT INTO customers VALUES ($1, DATE '2025-01-01', NULL)`, [id]);
      await store.run(`INSERT INTO transactions (customer_id, order_id, "timestamp", amount, product) VALUES ($1, $2, TIMESTAMPTZ '2026-01-1${i} 10:00:00+00', 12.5, $3)`, [id, `O-${i}`, awkward[i]]);
      await store.run(`INSERT INTO feedback (customer_id, "timestamp", "text") VALUES ($1, TIMESTAMPTZ '2026-02-01 00:00:00+00', $2)`, [id, awkward[i]]);
    }
    await rebuildDerived(store);
  });
  afterAll(() => store.close());

  it('give back every page as the source tables give it, byte for byte', async () => {
    const names = (await pageFileNames(store))!;
    expect(names).toHaveLength(1);
    const sorted = [...ids].sort();
    const reader = await PageFileReader.open(store.filesDir, names, sorted.length, (id) => sorted.indexOf(id));
    const live = (await livePageQuery(store))!;
    for (const [i, id] of sorted.entries()) {
      const page = (await reader.read(i))!;
      expect(page).toBe((await store.one<{ page_json: string }>(live, [id]))!.page_json);
      expect(JSON.parse(page).customer_id).toBe(id);
    }
    const underWay = reader.read(0);
    reader.retire();
    expect(JSON.parse((await underWay)!).customer_id).toBe(sorted[0]); // a read under way ends first
    expect(await reader.read(1)).toBeUndefined(); // then the files are closed
  });

  it('are refused when they do not hold the pages of the list given', async () => {
    const names = (await pageFileNames(store))!;
    await expect(PageFileReader.open(store.filesDir, names, 2, (id) => ['A,1 x', 'B\ttab'].indexOf(id))).rejects.toThrow(/has a page for "C\\"q", who is not in customer_pages/);
    const more = [...ids, 'F missing'].sort();
    await expect(PageFileReader.open(store.filesDir, names, more.length, (id) => more.indexOf(id))).rejects.toThrow(/no page for its row/);
    await expect(PageFileReader.open(store.filesDir, ['pages-gone-0.csv'], 1, () => 0)).rejects.toThrow(/ENOENT/);
    // A file of another layout (a column between the id and the page).
    writeFileSync(join(store.filesDir, 'pages-other-0.csv'), 'D plain\x01Champions\x01{"customer_id":"D plain"}\n');
    await expect(PageFileReader.open(store.filesDir, ['pages-other-0.csv'], 1, () => 0)).rejects.toThrow(/line at byte 0 is not a customer's page/);
  });

  it('replaced by a build are gone when it returns, also when the store closes right after (a command)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tierlab-page-files-'));
    try {
      const path = join(home, 'tierlab.duckdb');
      for (let run = 0; run < 2; run++) {
        const cli = await Store.open({ path });
        await cli.run(`INSERT INTO customers VALUES ('X${run}', DATE '2025-01-01', NULL)`);
        await cli.run(`INSERT INTO transactions (customer_id, order_id, "timestamp", amount) VALUES ('X${run}', 'O${run}', TIMESTAMPTZ '2026-01-01 00:00:00+00', 5)`);
        await rebuildDerived(cli);
        cli.close();
      }
      const check = await Store.open({ path });
      try {
        expect(readdirSync(check.filesDir).sort()).toEqual((await pageFileNames(check))!.sort());
        expect(await check.one(`SELECT count(*) AS n FROM customer_pages`)).toEqual({ n: 2 });
      } finally {
        check.close();
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('live in a folder of the store, removed when a memory store closes', async () => {
    const other = await Store.open({ path: ':memory:' });
    const dir = other.filesDir;
    expect(readdirSync(dir)).toEqual([]);
    other.close();
    expect(() => readdirSync(dir)).toThrow(/ENOENT/);
  });
});
