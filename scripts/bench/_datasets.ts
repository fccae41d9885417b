/**
 * Real transaction logs for the benchmarks that check models on data nobody tuned them on: the shared retail
 * log, CDNOW's whole cohort and the Olist orders (../shared/data), plus any file named in
 * TIERLAB_BENCH_TRANSACTIONS (comma-separated CSV or Parquet paths, e.g. a retail log of another year).
 * Each set is loaded into a fresh store; sets whose files are missing are left out.
 */
import { existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { ingestFile } from '../../data/ingest.ts';
import { sharedDataDir } from '../../data/paths.ts';
import type { ColumnMapping } from '../../data/columns.ts';
import { csvHeader } from '../../data/source-columns.ts';
import { literal, type Store } from '../../data/store.ts';

export interface RealDataSet {
  name: string;
  /** Loads the set's transactions into an empty store; `dir` is a scratch folder for converted files. */
  load(store: Store, dir: string): Promise<void>;
}

/** Column names of retail logs (UCI "Online Retail" and "Online Retail II") and their canonical fields. */
const SYNONYMS: Record<string, string> = {
  invoiceno: 'order_id',
  invoice: 'order_id',
  customerid: 'customer_id',
  invoicedate: 'timestamp',
  unitprice: 'unit_price',
  price: 'unit_price',
  quantity: 'quantity',
  stockcode: 'product',
};

/** field -> source column for the columns a retail-style file names otherwise than the canonical fields. */
function retailMapping(columns: string[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const column of columns) {
    const field = SYNONYMS[column.toLowerCase().replace(/[\s_]/g, '')];
    if (field && field !== column) mapping[field] = column;
  }
  return mapping;
}

async function columnsOf(store: Store, file: string): Promise<string[]> {
  if (extname(file).toLowerCase() !== '.parquet') return csvHeader(file).columns;
  return (await store.all<{ column_name: string }>(`DESCRIBE SELECT * FROM read_parquet(${literal(file)})`)).map((c) => c.column_name);
}

/** A retail-style file: lines without a customer id are skipped (as for the shared log's 135,080). */
function retailSet(name: string, file: string): RealDataSet {
  return {
    name,
    async load(store) {
      await ingestFile(store, { kind: 'transactions', file, mapping: retailMapping(await columnsOf(store, file)), skipBadRows: true });
    },
  };
}

/** CDNOW_master.txt is whitespace separated: customer, YYYYMMDD, CDs, dollars; one line is one purchase. */
const cdnow: RealDataSet = {
  name: 'cdnow-master',
  async load(store, dir) {
    const file = join(dir, 'cdnow.csv');
    // Fields are separated by runs of spaces: read whole lines, split them in SQL.
    await store.run(
      `COPY (SELECT f[1] AS customer_id, 'L' || row AS order_id, strptime(f[2], '%Y%m%d') AS timestamp, f[4] AS amount
             FROM (SELECT string_split_regex(trim(line), '\\s+') AS f, row_number() OVER () AS row
                   FROM read_csv(${literal(join(sharedDataDir, 'CDNOW_master.txt'))}, delim = '\t', header = true, columns = {'line': 'VARCHAR'})))
       TO ${literal(file)} (HEADER)`,
    );
    await ingestFile(store, { kind: 'transactions', file });
  },
};

/** Olist: a person is customer_unique_id; an order's amount is the sum of its payments; cancelled orders left out. */
const olist: RealDataSet = {
  name: 'olist',
  async load(store, dir) {
    const at = (table: string) => `read_csv(${literal(join(sharedDataDir, 'olist', `olist_${table}_dataset.csv`))})`;
    const file = join(dir, 'olist.csv');
    await store.run(
      `COPY (SELECT c.customer_unique_id AS customer_id, o.order_id, o.order_purchase_timestamp AS timestamp, p.amount
             FROM ${at('orders')} o JOIN ${at('customers')} c USING (customer_id)
             JOIN (SELECT order_id, sum(payment_value) AS amount FROM ${at('order_payments')} GROUP BY order_id) p USING (order_id)
             WHERE o.order_status NOT IN ('canceled', 'unavailable'))
       TO ${literal(file)} (HEADER)`,
    );
    await ingestFile(store, { kind: 'transactions', file });
  },
};

/**
 * The real data sets there are on this machine, shared ones first.
 *
 * @example
 * for (const set of realDataSets()) await set.load(store, scratchDir);
 */
export function realDataSets(): RealDataSet[] {
  const sets: RealDataSet[] = [];
  const retail = join(sharedDataDir, 'online_retail.csv');
  if (existsSync(retail)) sets.push(retailSet('online-retail', retail));
  if (existsSync(join(sharedDataDir, 'CDNOW_master.txt'))) sets.push(cdnow);
  if (existsSync(join(sharedDataDir, 'olist', 'olist_orders_dataset.csv'))) sets.push(olist);
  for (const file of (process.env.TIERLAB_BENCH_TRANSACTIONS ?? '').split(',').map((f) => f.trim()).filter(Boolean)) {
    sets.push(retailSet(basename(file), file));
  }
  return sets;
}
