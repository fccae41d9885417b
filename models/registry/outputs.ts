import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANALYTICS_TABLES, CUSTOMER_PAGES, refreshAnalyticsView } from '../../data/analytics.ts';
import { pagesWithText, writePageFiles } from '../../data/page-files.ts';
import { literal, type Store } from '../../data/store.ts';
import { markDerived } from '../derived.ts';

/**
 * The per-customer tables a version serves. Training writes them, a version keeps them as Parquet beside its
 * bundle, and activating a version loads them back in one transaction: what is served is always one version's.
 * The customer pages come last: they are built from the others (data/customer-pages.ts), and refreshing the view
 * drops them. A version written before them has none: the server builds them (server/writer.ts).
 */
export const SERVED_TABLES = ['customer_features', ...ANALYTICS_TABLES, 'feedback_scores', CUSTOMER_PAGES] as const;

/** Copies the served tables present now into `dir` as Parquet; returns the tables written. */
export async function exportOutputs(store: Store, dir: string): Promise<string[]> {
  const written: string[] = [];
  // Row order within a version's files means nothing (a table is loaded back whole and read by key or with an
  // ORDER BY), and DuckDB writes Parquet on all its threads when it need not keep the order: at 1 M the pages'
  // file took 10-12 s instead of 21-23 s.
  await store.unordered(async () => {
    for (const table of SERVED_TABLES) {
      // The pages with their text, read back from their files: the version keeps them compressed.
      const rows = table === CUSTOMER_PAGES ? await pagesWithText(store) : (await store.has(table)) ? `FROM ${table}` : null;
      if (!rows) continue;
      // Row groups of 20,000 rows: the writer buffers one per thread, and 122,880 of the pages' ~2 KB of JSON each
      // (DuckDB's default) made the 1M retrain's save its memory high-water mark.
      await store.run(`COPY (${rows}) TO ${literal(join(dir, `${table}.parquet`))} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 20000)`);
      written.push(table);
    }
  });
  return written;
}

/** The version whose outputs the served tables hold (recorded with them), or null. */
export async function appliedVersion(store: Store): Promise<number | null> {
  if (!(await store.has('served_version'))) return null;
  return (await store.one<{ version: number }>('SELECT version FROM served_version'))?.version ?? null;
}

/**
 * Replaces the served tables with a version's outputs, all or nothing, records which version they are and
 * which load its features were built after (models/derived.ts: later loads make them stale), and refreshes
 * `customer_analytics`.
 *
 * @example
 * await applyOutputs(store, registry.versionFile(3, ''), 3);
 */
export async function applyOutputs(store: Store, dir: string, version: number): Promise<void> {
  await store.transaction(async () => {
    const load = async (table: string) => {
      const file = join(dir, `${table}.parquet`);
      if (existsSync(file)) await store.run(`CREATE OR REPLACE TABLE ${table} AS SELECT * FROM read_parquet(${literal(file)})`);
      else await store.run(`DROP TABLE IF EXISTS ${table}`);
    };
    for (const table of SERVED_TABLES) if (table !== CUSTOMER_PAGES) await load(table);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { data_snapshot?: { load_id?: number } };
    // A version from before loads were recorded in manifests: unknown, so any load makes it stale.
    await markServed(store, version, manifest.data_snapshot?.load_id ?? 0);
    await refreshAnalyticsView(store);
    await loadPages(store, join(dir, `${CUSTOMER_PAGES}.parquet`));
  });
}

/** The version's pages into new page files and `customer_pages`; a version without them leaves none (the server builds them). */
async function loadPages(store: Store, file: string): Promise<void> {
  if (!existsSync(file)) return;
  const parquet = `read_parquet(${literal(file)})`;
  await writePageFiles(store, [{ pages: `SELECT customer_id, page_json FROM ${parquet}`, rows: `SELECT * EXCLUDE (page_json) FROM ${parquet}` }]);
}

/**
 * Records that the served tables as they are now are `version`'s outputs, built after load `afterLoad`: what
 * `applyOutputs` records after loading them. A retrain that promotes its candidate calls it in the transaction
 * that wrote them, and commits them as they are (retrain.ts).
 */
export async function markServed(store: Store, version: number, afterLoad: number): Promise<void> {
  await store.run(`CREATE OR REPLACE TABLE served_version AS SELECT ${Number(version)} AS version`);
  await markDerived(store, afterLoad);
}
