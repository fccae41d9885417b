import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../data/ingest.ts';
import type { IngestSummary } from '../../data/loads.ts';
import { sharedDataDir } from '../../data/paths.ts';
import type { Store } from '../../data/store.ts';
import { memoryStore, parseCsv, RETAIL_MAPPING, thousandths } from './support.ts';

describe.skipIf(!existsSync(sharedDataDir))('real data sets load exactly (needs ../shared/data)', () => {
  let store: Store;
  beforeAll(async () => {
    store = await memoryStore();
  });
  afterAll(() => store.close());

  it('online_retail.csv: rows, customers, revenue to the cent and the rejected rows match a plain reading of the file', async () => {
    const file = join(sharedDataDir, 'online_retail.csv');
    const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
    const col = (name: string) => header.indexOf(name);
    const [q, p, c, d] = [col('Quantity'), col('UnitPrice'), col('CustomerID'), col('InvoiceDate')];
    let loaded = 0;
    let revenueThousandths = 0;
    const missingRows: number[] = [];
    let first = '';
    let last = '';
    const customers = new Set<string>();
    rows.forEach((r, i) => {
      if (r[c].trim() === '') {
        missingRows.push(i + 1);
        return;
      }
      loaded += 1;
      customers.add(r[c]);
      // Quantities are whole numbers, so quantity x thousandths stays an exact integer.
      revenueThousandths += Number(r[q]) * thousandths(r[p]);
      if (!first || r[d] < first) first = r[d];
      if (r[d] > last) last = r[d];
    });

    // Every rejected row listed: the row numbers must be the file's own across the whole 45 MB (read in parallel).
    const summary: IngestSummary = await ingestFile(store, { kind: 'transactions', file, mapping: RETAIL_MAPPING, skipBadRows: true, maxErrors: rows.length });
    expect(summary.rows_read).toBe(rows.length);
    expect(summary.rows_loaded).toBe(loaded);
    expect(summary.rows_rejected).toBe(rows.length - loaded);
    expect(summary.error_count).toBe(rows.length - loaded);
    expect(summary.errors[0]).toEqual({ row: missingRows[0], column: 'CustomerID', message: 'empty customer id' });
    expect(summary.errors.map((e) => e.row)).toEqual(missingRows);
    expect(summary.customers).toBe(customers.size);
    expect(summary.revenue).toBe(`${Math.trunc(revenueThousandths / 1000)}.${String(revenueThousandths % 1000).padStart(3, '0')}0`);
    expect(summary.from).toBe(`${first.replace(' ', 'T')}.000Z`);
    expect(summary.to).toBe(`${last.replace(' ', 'T')}.000Z`);

    const stored = await store.one<{ n: number; ids: number; cents: string }>(
      `SELECT count(*) n, count(DISTINCT customer_id) ids, CAST(round(sum(amount), 2) AS VARCHAR) cents FROM transactions`,
    );
    expect(stored).toEqual({ n: loaded, ids: customers.size, cents: (Math.round(revenueThousandths / 10) / 100).toFixed(2) });
    // The README's published figures, as a cross-check on the plain reading itself.
    expect([loaded, customers.size, revenueThousandths]).toEqual([406_829, 4_372, 8_300_065_814]);
  });

  it('telco_churn.csv: generated ids, churn mapped to churned, NA charges kept as NULL numeric attributes', async () => {
    const file = join(sharedDataDir, 'telco_churn.csv');
    const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
    const summary = await ingestFile(store, { kind: 'customers', file, mapping: { churned: 'churn' }, generateIds: true });
    expect(summary).toMatchObject({ rows_read: rows.length, rows_loaded: rows.length, error_count: 0 });

    const churnCol = header.indexOf('churn');
    const churned = rows.filter((r) => r[churnCol] === 'Yes').length;
    const counts = await store.one<{ yes: number; no: number }>(
      `SELECT count(*) FILTER (WHERE churned) AS yes, count(*) FILTER (WHERE NOT churned) AS no FROM customers c
       WHERE EXISTS (SELECT 1 FROM customer_attributes a WHERE a.customer_id = c.customer_id)`,
    );
    expect(counts).toEqual({ yes: churned, no: rows.length - churned });
    expect(churned).toBe(1869);

    const kinds = Object.fromEntries(
      (await store.all<{ name: string; kind: string }>(`SELECT DISTINCT name, kind FROM customer_attributes`)).map((r) => [r.name, r.kind]),
    );
    expect(Object.keys(kinds).sort()).toEqual(header.filter((h) => h !== 'churn').sort());
    expect(kinds).toMatchObject({ total_charges: 'numeric', monthly_charges: 'numeric', tenure: 'numeric', contract: 'categorical' });

    const missing = await store.all<{ customer_id: string; tenure: number }>(
      `SELECT a.customer_id, t.num_value tenure FROM customer_attributes a JOIN customer_attributes t ON t.customer_id = a.customer_id AND t.name = 'tenure'
       WHERE a.name = 'total_charges' AND a.num_value IS NULL ORDER BY CAST(a.customer_id AS INT)`,
    );
    const tc = header.indexOf('total_charges');
    const expectedMissing = rows.flatMap((r, i) => (r[tc] === 'NA' ? [String(i + 1)] : []));
    expect(missing.map((m) => m.customer_id)).toEqual(expectedMissing);
    expect(expectedMissing).toHaveLength(11);
    expect(missing.every((m) => m.tenure === 0)).toBe(true);

    // Generated id i is data row i: the monthly charges line up with the file, row by row.
    const mc = header.indexOf('monthly_charges');
    const stored = await store.all<{ v: number }>(
      `SELECT num_value v FROM customer_attributes WHERE name = 'monthly_charges' ORDER BY CAST(customer_id AS INT)`,
    );
    expect(stored.map((s) => s.v)).toEqual(rows.map((r) => Number(r[mc])));
  });
});
