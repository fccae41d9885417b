import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ident, literal, type Store } from '../store.ts';
import type { ClickHouse } from './client.ts';

/**
 * The columns of the write-back table: one row per customer of a promoted version, with its tiers and model
 * scores. A stage that did not run (no clusters, no CLV) leaves its columns NULL.
 */
export const SCORE_COLUMNS: { name: string; type: string; from: string; column: string }[] = [
  { name: 'customer_id', type: 'String', from: 'customer_features', column: 'customer_id' },
  { name: 'as_of', type: 'Date', from: 'customer_features', column: 'as_of' },
  { name: 'r_score', type: 'Nullable(Int32)', from: 'customer_rfm', column: 'r_score' },
  { name: 'f_score', type: 'Nullable(Int32)', from: 'customer_rfm', column: 'f_score' },
  { name: 'm_score', type: 'Nullable(Int32)', from: 'customer_rfm', column: 'm_score' },
  { name: 'rfm_cell', type: 'Nullable(String)', from: 'customer_rfm', column: 'rfm_cell' },
  { name: 'rfm_segment', type: 'Nullable(String)', from: 'customer_rfm', column: 'rfm_segment' },
  { name: 'abc_class', type: 'Nullable(String)', from: 'customer_rfm', column: 'abc_class' },
  { name: 'value_tier', type: 'Nullable(String)', from: 'customer_rfm', column: 'value_tier' },
  { name: 'lifecycle_stage', type: 'Nullable(String)', from: 'customer_rfm', column: 'lifecycle_stage' },
  { name: 'cluster', type: 'Nullable(Int32)', from: 'customer_clusters', column: 'cluster' },
  { name: 'cluster_name', type: 'Nullable(String)', from: 'customer_clusters', column: 'cluster_name' },
  { name: 'churn_probability', type: 'Nullable(Float64)', from: 'customer_churn', column: 'churn_probability' },
  { name: 'risk_band', type: 'Nullable(String)', from: 'customer_churn', column: 'risk_band' },
  { name: 'clv_12m', type: 'Nullable(Float64)', from: 'customer_clv', column: 'clv_12m' },
];

export interface WriteScoresOptions {
  store: Store;
  /** The version folder holding the per-customer outputs as Parquet (`<table>.parquet`). */
  outputsDir: string;
  version: number;
  /** The final table name (unquoted, in the connection's database). */
  table: string;
  /** A name no other run uses, for the table being written. */
  staging: string;
  onProgress?: (rows: number) => void;
}

/** The DuckDB query over a version's Parquet outputs that yields the score columns as text. */
async function scoresQuery(store: Store, outputsDir: string, version: number): Promise<string> {
  const present = new Map<string, Set<string>>();
  for (const table of new Set(SCORE_COLUMNS.map((c) => c.from))) {
    const file = join(outputsDir, `${table}.parquet`);
    if (!existsSync(file)) continue;
    const shape = await store.connection.runAndReadAll(`SELECT * FROM read_parquet(${literal(file)}) LIMIT 0`);
    present.set(table, new Set(shape.columnNames()));
  }
  const alias = (table: string) => `t_${table}`;
  const columns = SCORE_COLUMNS.map((c) =>
    present.get(c.from)?.has(c.column) ? `CAST(${alias(c.from)}.${ident(c.column)} AS VARCHAR)` : 'NULL',
  );
  const joins = [...present.keys()]
    .filter((t) => t !== 'customer_features')
    .map((t) => `LEFT JOIN read_parquet(${literal(join(outputsDir, `${t}.parquet`))}) ${alias(t)} USING (customer_id)`);
  return `SELECT ${columns.join(', ')}, ${Number(version)} AS version
    FROM read_parquet(${literal(join(outputsDir, 'customer_features.parquet'))}) ${alias('customer_features')}
    ${joins.join('\n    ')}`;
}

/**
 * Writes a version's scores into a new ClickHouse table and then swaps it in by renaming, so readers of the
 * table see the previous version's rows or this one's, never a half-written table. Rows go from DuckDB to
 * ClickHouse a data chunk at a time (one streamed INSERT): memory stays bounded.
 *
 * @example
 * const rows = await writeScores(ch, { store, outputsDir, version: 3, table: 'tierlab_customer_scores', staging: 'tierlab_tmp_scores_ab12' });
 */
export async function writeScores(ch: ClickHouse, options: WriteScoresOptions): Promise<number> {
  const { store, table, staging } = options;
  const definition = [...SCORE_COLUMNS.map((c) => `${c.name} ${c.type}`), 'version UInt32'].join(', ');
  await ch.command(`DROP TABLE IF EXISTS ${staging}`);
  await ch.command(`CREATE TABLE ${staging} (${definition}) ENGINE = MergeTree ORDER BY customer_id`);
  let rows = 0;
  try {
    const result = await store.connection.stream(await scoresQuery(store, options.outputsDir, options.version));
    async function* chunks() {
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        for (const row of chunk.getRows()) yield row as (string | number | null)[];
        rows += chunk.rowCount;
        options.onProgress?.(rows);
      }
    }
    await ch.insert(staging, chunks());
    const [[exists]] = await ch.rows(`EXISTS TABLE ${table}`);
    if (exists === '1') {
      const old = `${staging}_old`;
      await ch.command(`RENAME TABLE ${table} TO ${old}, ${staging} TO ${table}`);
      await ch.command(`DROP TABLE ${old}`);
    } else {
      await ch.command(`RENAME TABLE ${staging} TO ${table}`);
    }
  } catch (error) {
    await ch.command(`DROP TABLE IF EXISTS ${staging}`).catch(() => {});
    throw error;
  }
  return rows;
}
