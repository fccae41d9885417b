import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { literal, type Store } from '../../data/store.ts';

/** The tier columns the history keeps, by the stage table (a version's Parquet file) that holds them; `t.` is that table. */
const SOURCES: { table: string; columns: Record<string, string> }[] = [
  { table: 'customer_rfm', columns: { value_tier: 't.value_tier', rfm_segment: 't.rfm_segment', lifecycle_stage: 't.lifecycle_stage' } },
  { table: 'customer_churn', columns: { risk_band: 't.risk_band', churn_probability: 't.churn_probability' } },
  // The clusters stage names each cluster; the number stands in where it did not.
  { table: 'customer_clusters', columns: { cluster: 'coalesce(CAST(t.cluster_name AS VARCHAR), CAST(t.cluster AS VARCHAR))' } },
];

export interface RecordOptions {
  version: number;
  /** The version's folder: its outputs as Parquet (models/registry/outputs.ts). */
  dir: string;
  /** The data cutoff the version was trained as of (YYYY-MM-DD). */
  asOf: string | null;
}

/**
 * Writes one row per customer of a trained version into `tier_history`: value tier, RFM segment, lifecycle
 * stage, risk band (and probability), cluster. Read from the version's own files, so a version not promoted is
 * recorded too, and recording it again replaces its rows (one transaction, on a connection of its own: a server's
 * requests on the main connection never run inside it).
 *
 * @example
 * await recordTierHistory(store, { version: 3, dir: registry.dir(3), asOf: '2026-11-30' });
 */
export async function recordTierHistory(store: Store, options: RecordOptions): Promise<number> {
  const base = join(options.dir, 'customer_features.parquet');
  if (!existsSync(base)) return 0;
  const selects: string[] = [];
  const joins: string[] = [];
  for (const [i, source] of SOURCES.entries()) {
    const file = join(options.dir, `${source.table}.parquet`);
    const present = existsSync(file);
    if (present) joins.push(`LEFT JOIN read_parquet(${literal(file)}) s${i} USING (customer_id)`);
    for (const [name, expr] of Object.entries(source.columns)) {
      const value = present ? expr.replaceAll('t.', `s${i}.`) : 'NULL';
      selects.push(`${name === 'churn_probability' ? `CAST(${value} AS DOUBLE)` : `CAST(${value} AS VARCHAR)`} AS ${name}`);
    }
  }
  const work = await store.fork();
  try {
    return await work.transaction(async () => {
      await work.run('DELETE FROM tier_history WHERE version = $1', [options.version]);
      await work.run(
        `INSERT INTO tier_history BY NAME
         SELECT $version AS version, now() AS recorded_at, CAST($asOf AS DATE) AS as_of, f.customer_id, ${selects.join(', ')}
         FROM read_parquet(${literal(base)}) f ${joins.join(' ')}`,
        { version: options.version, asOf: options.asOf },
      );
      return (await work.one<{ n: number }>('SELECT count(*) AS n FROM tier_history WHERE version = $1', [options.version]))?.n ?? 0;
    });
  } finally {
    work.close();
  }
}
