/**
 * Reads the public telecom churn table (IBM "Telco Customer Churn", shared/data/telco_churn.csv) as a churn
 * dataset: the reference data for the bench and the real-data test. It has no id column, so ids are row numbers.
 */
import { Store, literal } from '../../data/store.ts';
import type { Dataset } from './model.ts';
import type { FeatureRow } from './columns.ts';

/**
 * @example
 * const data = await readTelco(join(sharedDataDir, 'telco_churn.csv')); // 7,043 rows, 26.5% churned
 */
export async function readTelco(path: string): Promise<Dataset> {
  const store = await Store.open({ path: ':memory:' });
  try {
    const rows = await store.all<Record<string, unknown>>(`SELECT * FROM read_csv(${literal(path)}, header = true, nullstr = 'NA')`);
    return {
      ids: rows.map((_, i) => `telco-${i + 1}`),
      labels: Float64Array.from(rows, (r) => (r.churn === true || r.churn === 'Yes' ? 1 : 0)),
      rows: rows.map(({ churn: _churn, ...rest }) => {
        const row: FeatureRow = {};
        for (const [k, v] of Object.entries(rest)) row[k] = typeof v === 'number' || typeof v === 'string' ? v : v === null ? null : Number(v);
        return row;
      }),
    };
  } finally {
    store.close();
  }
}
