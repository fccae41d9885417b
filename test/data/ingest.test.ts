import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IngestOptions } from '../../data/ingest-options.ts';
import { ingestFile } from '../../data/ingest.ts';
import { feedbackLoads, setLoadLanguage } from '../../data/loads.ts';
import type { Store } from '../../data/store.ts';
import { csv, fingerprint, memoryStore, rejection, tempDir, TX_HEADER } from './support.ts';

const { dir, file } = tempDir('tierlab-ingest-');
let store: Store;
beforeEach(async () => {
  store = await memoryStore();
});
afterEach(() => store.close());

const ingest = (options: Partial<IngestOptions> & Pick<IngestOptions, 'file'>) => ingestFile(store, { kind: 'transactions', ...options });

describe('ingest: good files', () => {
  it('loads a canonical transactions file with every column typed', async () => {
    const path = file(
      'tx.csv',
      csv(TX_HEADER, [
        'c1,o1,2024-01-15T10:00:00Z,12.50,2,6.25,"Mug, large",cups,web',
        'c1,o1,2024-01-15T10:00:00Z,3.20,1,3.20,Chocolate,snacks,web',
        'c2,o2,2024-02-01T08:30:00Z,-5.00,-1,5.00,Tea,tea,store',
      ]),
    );
    const summary = await ingest({ file: path });
    expect(summary).toMatchObject({
      kind: 'transactions',
      file: 'tx.csv',
      rows_read: 3,
      rows_loaded: 3,
      rows_rejected: 0,
      customers: 2,
      error_count: 0,
      errors: [],
      revenue: '10.7000',
      returns: { lines: 1, amount: '-5.0000' },
      from: '2024-01-15T10:00:00.000Z',
      to: '2024-02-01T08:30:00.000Z',
    });
    const rows = await store.all(`SELECT * FROM transactions ORDER BY order_id, amount`);
    expect(rows[0]).toEqual({
      customer_id: 'c1', order_id: 'o1', timestamp: '2024-01-15T10:00:00.000Z', amount: 3.2, quantity: 1, unit_price: 3.2,
      product: 'Chocolate', description: null, category: 'snacks', channel: 'web', load_id: summary.load_id,
    });
    expect(rows[1].product).toBe('Mug, large');
    expect(await store.all(`SELECT customer_id FROM customers ORDER BY 1`)).toEqual([{ customer_id: 'c1' }, { customer_id: 'c2' }]);
  });

  it('maps the file\'s own headers with `mapping` and derives amount = quantity x unit_price exactly', async () => {
    // 3 x 0.1 and 0.1 + 0.2 are the classic float drifts; DECIMAL keeps them exact.
    const path = file(
      'mapped.csv',
      csv('Invoice,Client,When,Qty,Price,Item', [
        'A1,k1,2024-03-01 09:00:00,3,0.1,x',
        'A2,k1,2024-03-02 09:00:00,1,0.2,y',
        'A3,k2,2024-03-03 09:00:00,7,0.001,z',
        'A4,k2,2024-03-04 09:00:00,-2,0.1,x',
      ]),
    );
    const summary = await ingest({
      file: path,
      mapping: { order_id: 'Invoice', customer_id: 'Client', timestamp: 'When', quantity: 'Qty', unit_price: 'Price', product: 'Item' },
    });
    expect(summary.rows_loaded).toBe(4);
    expect(summary.revenue).toBe('0.3070');
    const amounts = await store.all<{ order_id: string; a: string }>(`SELECT order_id, CAST(amount AS VARCHAR) a FROM transactions ORDER BY order_id`);
    expect(amounts).toEqual([
      { order_id: 'A1', a: '0.3000' },
      { order_id: 'A2', a: '0.2000' },
      { order_id: 'A3', a: '0.0070' },
      { order_id: 'A4', a: '-0.2000' },
    ]);
    const exact = await store.one<{ s: string }>(`SELECT CAST(sum(amount) AS VARCHAR) s FROM transactions WHERE order_id IN ('A1')`);
    expect(exact!.s).toBe('0.3000');
  });

  it('reads churned as true/false, yes/no, 1/0 in any case', async () => {
    const words = ['true', 'FALSE', 'Yes', 'no', '1', '0', 'TRUE', 'No', 'YES', 'False', ''];
    const path = file('churn.csv', csv('customer_id,churned', words.map((w, i) => `k${String(i).padStart(2, '0')},${w}`)));
    await ingestFile(store, { kind: 'customers', file: path });
    const rows = await store.all<{ churned: boolean | null }>(`SELECT churned FROM customers ORDER BY customer_id`);
    expect(rows.map((r) => r.churned)).toEqual([true, false, true, false, true, false, true, false, true, false, null]);
  });

  it('keeps extra customer columns as typed attributes: numeric when every present value is a number', async () => {
    const path = file(
      'customers.csv',
      csv('customer_id,signup_date,region,age,score,code', ['k1,2024-01-05,North,34,1.5,12', 'k2,20240210,South,51,NaN,ab', 'k3,,North,29,,7']),
    );
    const summary = await ingestFile(store, { kind: 'customers', file: path });
    expect(summary).toMatchObject({ rows_loaded: 3, customers: 3, error_count: 0 });
    expect(await store.all(`SELECT customer_id, CAST(signup_date AS VARCHAR) d FROM customers ORDER BY 1`)).toEqual([
      { customer_id: 'k1', d: '2024-01-05' },
      { customer_id: 'k2', d: '2024-02-10' },
      { customer_id: 'k3', d: null },
    ]);
    const kinds = await store.all(`SELECT DISTINCT name, kind FROM customer_attributes ORDER BY name`);
    expect(kinds).toEqual([
      { name: 'age', kind: 'numeric' },
      { name: 'code', kind: 'categorical' },
      { name: 'region', kind: 'categorical' },
      { name: 'score', kind: 'numeric' },
    ]);
    const k2 = await store.all(`SELECT name, num_value, text_value FROM customer_attributes WHERE customer_id = 'k2' ORDER BY name`);
    expect(k2).toEqual([
      { name: 'age', num_value: 51, text_value: null },
      { name: 'code', num_value: null, text_value: 'ab' },
      { name: 'region', num_value: null, text_value: 'South' },
      { name: 'score', num_value: null, text_value: null },
    ]);
  });

  it('reads ISO dates, date-times with and without offset, and YYYYMMDD; `timezone` applies only without an offset', async () => {
    const stamps = ['2024-01-15', '2024-01-15T10:30:00', '2024-01-15 10:30:00', '2024-01-15T10:30:00+02:00', '2024-01-15T10:30:00Z', '20240115', '2024-07-01T12:00:00-05:30'];
    const body = csv('customer_id,order_id,timestamp,amount', stamps.map((s, i) => `c,o${i},${s},1`));
    const read = async (timezone?: string) => {
      const s = await memoryStore();
      try {
        await ingestFile(s, { kind: 'transactions', file: file(`ts-${(timezone ?? 'utc').replace('/', '-')}.csv`, body), timezone });
        return (await s.all<{ timestamp: string }>(`SELECT timestamp FROM transactions ORDER BY order_id`)).map((r) => r.timestamp);
      } finally {
        s.close();
      }
    };
    expect(await read()).toEqual([
      '2024-01-15T00:00:00.000Z',
      '2024-01-15T10:30:00.000Z',
      '2024-01-15T10:30:00.000Z',
      '2024-01-15T08:30:00.000Z',
      '2024-01-15T10:30:00.000Z',
      '2024-01-15T00:00:00.000Z',
      '2024-07-01T17:30:00.000Z',
    ]);
    // New York is UTC-5 in January: local times move forward five hours, explicit offsets stay.
    expect(await read('America/New_York')).toEqual([
      '2024-01-15T05:00:00.000Z',
      '2024-01-15T15:30:00.000Z',
      '2024-01-15T15:30:00.000Z',
      '2024-01-15T08:30:00.000Z',
      '2024-01-15T10:30:00.000Z',
      '2024-01-15T05:00:00.000Z',
      '2024-07-01T17:30:00.000Z',
    ]);
  });

  it('loads a Parquet file, typed columns included', async () => {
    const path = join(dir, 'tx.parquet');
    await store.run(`COPY (SELECT 'p' || (i % 3) AS customer_id, 'P' || i AS order_id, TIMESTAMP '2024-05-01 12:00:00' + INTERVAL (i) DAY AS timestamp,
                      CAST(i * 1.25 AS DECIMAL(10,2)) AS amount, 'sku' || i AS product FROM range(1, 11) t(i)) TO '${path}' (FORMAT parquet)`);
    const summary = await ingest({ file: path });
    expect(summary).toMatchObject({ rows_read: 10, rows_loaded: 10, customers: 3, revenue: '68.7500', from: '2024-05-02T12:00:00.000Z' });
    expect(await store.one(`SELECT CAST(amount AS VARCHAR) a, product FROM transactions WHERE order_id = 'P7'`)).toEqual({ a: '8.7500', product: 'sku7' });
  });

  it('loads integer-valued float ids from Parquet as whole numbers (13085.0 -> 13085), and keeps other ids as written', async () => {
    const path = join(dir, 'float-ids.parquet');
    // A DOUBLE id column, as pandas writes a customer id with gaps; read as text it says "13085.0".
    await store.run(`COPY (SELECT * FROM (VALUES (13085.0::DOUBLE, 536365.0::DOUBLE, TIMESTAMP '2010-12-01 08:26:00', 15.30, 'WHITE HANGING HEART', 'United Kingdom'),
                                              (13085.0::DOUBLE, 536366.0::DOUBLE, TIMESTAMP '2010-12-02 09:00:00', 2.55, 'RED MUG', 'United Kingdom'),
                                              (17850.5::DOUBLE, 536367.0::DOUBLE, TIMESTAMP '2010-12-03 10:00:00', 4.25, NULL, 'France'))
                           t("Customer ID", "Invoice", "InvoiceDate", amount, "Description", "Country")) TO '${path}' (FORMAT parquet)`);
    const summary = await ingest({ file: path, mapping: { customer_id: 'Customer ID', order_id: 'Invoice', timestamp: 'InvoiceDate' } });
    expect(summary).toMatchObject({ rows_loaded: 3, customers: 2, ignored_columns: ['Country'] });
    expect(await store.all(`SELECT customer_id, order_id, description FROM transactions WHERE load_id = ${summary.load_id} ORDER BY order_id`)).toEqual([
      { customer_id: '13085', order_id: '536365', description: 'WHITE HANGING HEART' },
      { customer_id: '13085', order_id: '536366', description: 'RED MUG' },
      { customer_id: '17850.5', order_id: '536367', description: null },
    ]);
  });
});

describe('ingest: float ids, product names and columns no field takes, the same on both load paths', () => {
  const header = 'CustomerID,order_id,timestamp,amount,Description,Country';
  const rows = ['13085.0,536365.0,2024-01-15T10:00:00Z,15.30,"Mug, large",United Kingdom', '13085,536366,2024-01-16T10:00:00Z,2.55,Tea,France', '17850.00,536367,2024-01-17T10:00:00Z,4.25,,France'];

  for (const [path, options] of [
    ['the single scan', {}],
    ['the checked load', { timezone: 'Europe/London' }],
  ] as const) {
    it(`through ${path}: ids lose a zero fraction, the description is kept, Country is named as ignored`, async () => {
      const summary = await ingest({ file: file('float-ids.csv', csv(header, rows)), mapping: { customer_id: 'CustomerID' }, ...options });
      expect(summary).toMatchObject({ rows_loaded: 3, customers: 2, ignored_columns: ['Country'] });
      expect(await store.all(`SELECT customer_id, order_id, description FROM transactions WHERE load_id = ${summary.load_id} ORDER BY order_id`)).toEqual([
        { customer_id: '13085', order_id: '536365', description: 'Mug, large' },
        { customer_id: '13085', order_id: '536366', description: 'Tea' },
        { customer_id: '17850', order_id: '536367', description: null },
      ]);
    });
  }

  it('a float order id already stored is a duplicate on the single scan too', async () => {
    await ingest({ file: file('first.csv', csv('customer_id,order_id,timestamp,amount', ['1,536365,2024-01-15,1.00'])) });
    const again = await rejection(() => ingest({ file: file('again.csv', csv('customer_id,order_id,timestamp,amount', ['1,536365.0,2024-01-15,1.00'])) }));
    expect(again.message).toMatch(/already stored/);
  });
});

describe('ingest: bad files are rejected with the place, and the store stays as it was', () => {
  const seed = async () => {
    await ingest({ file: file('seed.csv', csv('customer_id,order_id,timestamp,amount', ['s1,S1,2024-01-01,10.5', 's2,S2,2024-01-02,-3.25'])) });
    await ingestFile(store, { kind: 'customers', file: file('seedc.csv', csv('customer_id,signup_date,region', ['s1,2023-12-01,North'])) });
  };

  const cases: { name: string; kind?: IngestOptions['kind']; text: string; mapping?: Record<string, string>; code: string; row?: number; column?: string; message?: RegExp }[] = [
    {
      name: 'malformed CSV (a row with an extra field)',
      text: csv('customer_id,order_id,timestamp,amount', ['a,A1,2024-01-01,1', 'a,A2,2024-01-02,2,9', 'a,A3,2024-01-03,3']),
      code: 'bad_file',
      row: 2,
    },
    {
      name: 'malformed CSV (an unclosed quote)',
      text: csv('customer_id,order_id,timestamp,amount', ['a,A1,2024-01-01,1', 'a,A2,2024-01-02,2', 'a,"A3,2024-01-03,3', 'a,A4,2024-01-04,4']),
      code: 'bad_file',
      row: 3,
    },
    { name: 'a missing required column', text: csv('customer_id,timestamp,amount', ['a,2024-01-01,1']), code: 'missing_column', column: 'order_id' },
    {
      name: 'a mapped column the file lacks',
      text: csv('customer_id,order_id,timestamp,amount', ['a,A1,2024-01-01,1']),
      mapping: { amount: 'Total' },
      code: 'missing_column',
      column: 'Total',
    },
    {
      name: 'a wrong type (text in amount, named by the source column)',
      text: csv('customer_id,order_id,timestamp,Total', ['a,A1,2024-01-01,1', 'a,A2,2024-01-02,2', 'a,A3,2024-01-03,twelve']),
      mapping: { amount: 'Total' },
      code: 'unprocessable',
      row: 3,
      column: 'Total',
      message: /twelve/,
    },
    {
      name: 'an unparseable date',
      text: csv('customer_id,order_id,timestamp,amount', ['a,A1,2024-01-01,1', 'a,A2,2024-13-45,2']),
      code: 'unprocessable',
      row: 2,
      column: 'timestamp',
    },
    {
      name: 'an empty amount',
      text: csv('customer_id,order_id,timestamp,amount', ['a,A1,2024-01-01,1', 'a,A2,2024-01-02,NA']),
      code: 'unprocessable',
      row: 2,
      column: 'amount',
      message: /empty amount/,
    },
    {
      name: 'a derived amount without a quantity',
      text: csv('customer_id,order_id,timestamp,Qty,Price', ['a,A1,2024-01-01,1,2.50', 'a,A2,2024-01-02,,2.50']),
      mapping: { quantity: 'Qty', unit_price: 'Price' },
      code: 'unprocessable',
      row: 2,
      column: 'Qty',
      message: /no amount: quantity or unit price is missing/,
    },
    {
      name: 'an empty customer id',
      text: csv('customer_id,order_id,timestamp,amount', ['a,A1,2024-01-01,1', 'a,A2,2024-01-02,2', ',A3,2024-01-03,3']),
      code: 'unprocessable',
      row: 3,
      column: 'customer_id',
      message: /empty customer id/,
    },
    {
      name: 'a duplicate customer id',
      kind: 'customers',
      text: csv('id,region', ['n1,North', 'n2,South', 'n1,East']),
      mapping: { customer_id: 'id' },
      code: 'unprocessable',
      row: 3,
      column: 'id',
      message: /duplicate customer id "n1" \(first at row 1\)/,
    },
    {
      name: 'an unparseable churned flag',
      kind: 'customers',
      text: csv('customer_id,churned', ['n1,yes', 'n2,maybe']),
      code: 'unprocessable',
      row: 2,
      column: 'churned',
    },
    {
      name: 'an order already stored',
      text: csv('customer_id,order_id,timestamp,amount', ['a,A1,2024-01-01,1', 's2,S2,2024-01-05,2']),
      code: 'unprocessable',
      row: 2,
      column: 'order_id',
      message: /order "S2" is already stored/,
    },
  ];

  for (const c of cases) {
    it(`rejects ${c.name}`, async () => {
      await seed();
      const before = await fingerprint(store);
      const name = `bad-${c.name.replace(/\W+/g, '-')}.csv`;
      const error = await rejection(() => ingestFile(store, { kind: c.kind ?? 'transactions', file: file(name, c.text), mapping: c.mapping }));
      expect(error.code).toBe(c.code);
      expect(error.place.file).toBe(name);
      if (c.row !== undefined) expect(error.place.row).toBe(c.row);
      if (c.column !== undefined) expect(error.place.column).toBe(c.column);
      if (c.message) expect(error.message + JSON.stringify(error.details ?? '')).toMatch(c.message);
      expect(await fingerprint(store)).toEqual(before);
      // The staging tables are gone too: a later good load sees nothing of the rejected file.
      expect(await store.has('ingest_stage')).toBe(false);
    });
  }

  it('reports every problem of a rejected file in its summary (rows_loaded 0)', async () => {
    await seed();
    const error = await rejection(() =>
      ingest({ file: file('two-bad.csv', csv('customer_id,order_id,timestamp,amount', ['a,A1,2024-01-01,1', ',A2,yesterday,2', 'a,A3,2024-01-03,x'])) }),
    );
    expect(error.details).toMatchObject({ rows_read: 3, rows_loaded: 0, rows_rejected: 2, error_count: 3 });
    expect(error.details.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([
      [2, 'customer_id'],
      [2, 'timestamp'],
      [3, 'amount'],
    ]);
  });

  it('`skipBadRows` loads the good rows and reports the bad ones: exact count, capped list', async () => {
    await seed();
    const rows: string[] = [];
    for (let i = 1; i <= 12; i++) {
      if (i % 4 === 0) rows.push(`,B${i},not-a-date,1`); // two problems on one row
      else if (i === 5) rows.push(`b,B${i},2024-02-05,abc`);
      else if (i === 7) rows.push(`b,S1,2024-02-07,1`); // already stored
      else rows.push(`b${i % 3},B${i},2024-02-${String(i).padStart(2, '0')},${i}.25`);
    }
    const summary = await ingest({ file: file('mixed.csv', csv('customer_id,order_id,timestamp,amount', rows)), skipBadRows: true, maxErrors: 4 });
    const good = [1, 2, 3, 6, 9, 10, 11];
    expect(summary).toMatchObject({ rows_read: 12, rows_rejected: 5, rows_loaded: good.length, error_count: 8 });
    expect(summary.errors).toHaveLength(4);
    expect(summary.errors.map((e) => [e.row, e.column])).toEqual([
      [4, 'customer_id'],
      [4, 'timestamp'],
      [5, 'amount'],
      [7, 'order_id'],
    ]);
    // The capped list shows four; the counts by problem cover all eight (rows 4, 8, 12 have two each).
    expect(summary.error_kinds).toEqual([
      { column: 'customer_id', problem: 'empty customer id', count: 3 },
      { column: 'timestamp', problem: 'not a date or date-time (ISO or YYYYMMDD)', count: 3 },
      { column: 'amount', problem: 'not an amount (a decimal number)', count: 1 },
      { column: 'order_id', problem: 'order already stored', count: 1 },
    ]);
    const expectedRevenue = good.reduce((s, i) => s + i + 0.25, 0);
    expect(summary.revenue).toBe(expectedRevenue.toFixed(4));
    const stored = await store.all<{ order_id: string }>(`SELECT order_id FROM transactions WHERE order_id LIKE 'B%' ORDER BY CAST(substr(order_id, 2) AS INT)`);
    expect(stored.map((r) => r.order_id)).toEqual(good.map((i) => `B${i}`));
  });

  it('loads feedback and refuses the same feedback twice', async () => {
    const path = file('fb.csv', csv('customer_id,timestamp,text,rating', ['f1,2024-01-01T10:00:00Z,"Great, thanks",5', 'f2,2024-01-02T10:00:00Z,Late again,1']));
    expect(await ingestFile(store, { kind: 'feedback', file: path })).toMatchObject({ rows_loaded: 2, customers: 2, from: '2024-01-01T10:00:00.000Z' });
    const before = await fingerprint(store);
    const error = await rejection(() => ingestFile(store, { kind: 'feedback', file: path }));
    expect(error.place).toMatchObject({ file: 'fb.csv', row: 1, column: 'text' });
    expect(await fingerprint(store)).toEqual(before);
  });

  it("keeps a feedback file's language setting (auto unless given) and refuses one for other kinds or outside the list", async () => {
    const first = file('fb-auto.csv', csv('customer_id,timestamp,text', ['f1,2024-01-01T10:00:00Z,很好']));
    const second = file('fb-zh.csv', csv('customer_id,timestamp,text', ['f2,2024-01-02T10:00:00Z,不错']));
    expect(await ingestFile(store, { kind: 'feedback', file: first })).toMatchObject({ language: 'auto' });
    expect(await ingestFile(store, { kind: 'feedback', file: second, language: 'zh' })).toMatchObject({ language: 'zh' });
    expect(await store.all('SELECT file, language FROM loads ORDER BY load_id')).toEqual([
      { file: 'fb-auto.csv', language: 'auto' },
      { file: 'fb-zh.csv', language: 'zh' },
    ]);
    const before = await fingerprint(store);
    const wrongKind = await rejection(() => ingestFile(store, { kind: 'transactions', file: second, language: 'zh' }));
    expect(wrongKind.message).toMatch(/--language applies to feedback files only/);
    const unknown = await rejection(() => ingestFile(store, { kind: 'feedback', file: second, language: 'fr' as 'zh' }));
    expect(unknown.message).toMatch(/language must be one of auto, en, pt, zh, got "fr"/);
    expect(unknown.place).toMatchObject({ field: 'language' });
    expect(await fingerprint(store)).toEqual(before);
  });

  it("changes a feedback data set's language setting afterwards, and names a load that is not feedback", async () => {
    const tx = file('tx-lang.csv', csv(TX_HEADER, ['c1,o1,2024-01-15T10:00:00Z,12.50,2,6.25,Mug,cups,web']));
    const fb = file('fb-later.csv', csv('customer_id,timestamp,text', ['f1,2024-01-01T10:00:00Z,very good']));
    const txLoad = (await ingest({ file: tx })).load_id;
    const fbLoad = (await ingestFile(store, { kind: 'feedback', file: fb })).load_id;
    expect(await setLoadLanguage(store, { loadId: fbLoad, language: 'pt' })).toMatchObject({ file: 'fb-later.csv', language: 'pt' });
    expect(await feedbackLoads(store)).toEqual([{ load_id: fbLoad, file: 'fb-later.csv', rows_loaded: 1, language: 'pt' }]);
    expect((await rejection(() => setLoadLanguage(store, { loadId: txLoad, language: 'zh' }))).code).toBe('not_found');
    expect((await rejection(() => setLoadLanguage(store, { loadId: fbLoad, language: 'xx' }))).place).toMatchObject({ field: 'language' });
  });
});
