import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { literal, type Store } from '../../data/store.ts';

/** How customers moved between two versions: counts per (from, to) pair of one assignment column. */
export interface MigrationMatrix {
  column: string;
  moved: number;
  total: number;
  cells: { from: string | null; to: string | null; customers: number }[];
}

const TRACKED: [table: string, column: string][] = [
  ['customer_clusters', 'cluster_name'],
  ['customer_rfm', 'value_tier'],
  ['customer_rfm', 'rfm_segment'],
  ['customer_churn', 'risk_band'],
];

/**
 * Migration matrices between the outputs of an old version folder and a new one (clusters, value tiers,
 * RFM segments, risk bands), over the customers present in both.
 */
export async function migrationMatrices(store: Store, oldDir: string, newDir: string): Promise<MigrationMatrix[]> {
  const matrices: MigrationMatrix[] = [];
  for (const [table, column] of TRACKED) {
    const oldFile = join(oldDir, `${table}.parquet`);
    const newFile = join(newDir, `${table}.parquet`);
    if (!existsSync(oldFile) || !existsSync(newFile)) continue;
    const cells = await store.all<{ from: string | null; to: string | null; customers: number }>(
      `SELECT CAST(o.${column} AS VARCHAR) AS "from", CAST(n.${column} AS VARCHAR) AS "to", count(*) AS customers
       FROM read_parquet(${literal(oldFile)}) o JOIN read_parquet(${literal(newFile)}) n USING (customer_id)
       GROUP BY ALL ORDER BY customers DESC`,
    );
    const total = cells.reduce((s, c) => s + c.customers, 0);
    const moved = cells.filter((c) => c.from !== c.to).reduce((s, c) => s + c.customers, 0);
    matrices.push({ column, moved, total, cells });
  }
  return matrices;
}
