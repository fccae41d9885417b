import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, type Fixture } from '../server/helpers.ts';
import { safeError, storeFigures, within } from './support.ts';

/** A customers file of `columns` attribute columns and `rows` rows (numbers, one empty cell a row). */
function wideCustomers(columns: number, rows: number, prefix = 'W'): string {
  const names = Array.from({ length: columns }, (_, i) => `attribute_${i}`);
  const lines = [['customer_id', ...names].join(',')];
  for (let r = 0; r < rows; r++) lines.push([`${prefix}${r}`, ...names.map((_, i) => (i === r ? '' : String(i * 10 + r)))].join(','));
  return `${lines.join('\n')}\n`;
}

describe('hostile uploads (issue 17, finding 3 and the low ones)', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ customers: 100, limits: { uploadColumns: 1000 } });
  });
  afterAll(() => f.close());

  const upload = (path: string, body: BodyInit) => f.call('POST', path, { role: 'admin', body, headers: { 'content-type': 'text/csv' } });
  const healthMs = async () => {
    const t = performance.now();
    expect((await within(10_000, 'health', f.call('GET', '/api/health'))).status).toBe(200);
    return performance.now() - t;
  };

  it('loads 1,000 columns x 3 rows while health keeps answering, and keeps every value', async () => {
    // The attack: this 21 KB file blocked every request for 18 s (the load grew with columns squared).
    const pending = upload('/api/datasets/customers', wideCustomers(999, 3));
    const latencies = [await healthMs(), await healthMs()];
    const res = await within(30_000, 'the wide upload', pending);
    expect(res.status).toBe(200);
    expect(Math.max(...latencies)).toBeLessThan(5000);
    const stored = await f.store.one<{ n: number; values: number; empty: number }>(
      `SELECT count(*) AS n, count(num_value) AS values, count(*) FILTER (WHERE num_value IS NULL) AS empty FROM customer_attributes WHERE customer_id LIKE 'W%'`,
    );
    expect(stored).toEqual({ n: 2997, values: 2994, empty: 3 });
    expect(await f.store.one(`SELECT kind, num_value FROM customer_attributes WHERE customer_id = 'W2' AND name = 'attribute_998'`)).toEqual({ kind: 'numeric', num_value: 9982 });
  });

  it('refuses more columns than the limit before reading the rows, and says how many', async () => {
    const before = await storeFigures(f.store);
    // The attack: 10,000 columns (250 KB) held every request for 25 minutes while memory grew past 19 GB.
    const res = await within(20_000, 'the 10,000-column upload', upload('/api/datasets/customers', wideCustomers(10_000, 3, 'X')));
    expect(res.status).toBe(413);
    const body = await safeError(res);
    expect(body).toMatchObject({ error: 'too_large' });
    expect(body.message).toMatch(/10001 columns; at most 1000/);
    expect(await storeFigures(f.store)).toEqual(before);
  });

  it('stops an upload that trickles in slower than the time limit, and keeps nothing of it', async () => {
    const slow = await fixture({ customers: 20, limits: { uploadMs: 800 } });
    try {
      const before = await storeFigures(slow.store);
      let timer: ReturnType<typeof setInterval> | undefined;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('customer_id,order_id,timestamp,amount\n'));
          let n = 0;
          timer = setInterval(() => controller.enqueue(new TextEncoder().encode(`SLOW,S${n++},2024-01-01T00:00:00Z,1.00\n`)), 200);
        },
        cancel: () => clearInterval(timer),
      });
      const res = await within(10_000, 'the slow upload', Promise.resolve(slow.app.request('/api/datasets/transactions', { method: 'POST', body, headers: { authorization: `Bearer ${slow.tokens.admin}` }, duplex: 'half' } as RequestInit)));
      clearInterval(timer);
      expect(res.status).toBe(408);
      expect((await safeError(res)).error).toBe('timeout');
      expect(await storeFigures(slow.store)).toEqual(before);
      const uploads = join(slow.home, 'uploads');
      expect(existsSync(uploads) ? readdirSync(uploads) : []).toEqual([]);
    } finally {
      slow.close();
    }
  });

  it('refuses ids with a NUL byte, by row', async () => {
    const before = await storeFigures(f.store);
    const res = await upload('/api/datasets/transactions', 'customer_id,order_id,timestamp,amount\nN1,NUL-1,2024-01-01T00:00:00Z,1.00\nN\u00002,NUL-2,2024-01-01T00:00:00Z,1.00\n');
    expect(res.status).toBe(422);
    expect(await safeError(res)).toMatchObject({ row: 2, column: 'customer_id' });
    const customers = await upload('/api/datasets/customers', 'customer_id,region\nok,North\nbad\u0000id,South\n');
    expect(customers.status).toBe(422);
    expect(await storeFigures(f.store)).toEqual(before);
  });

  it('refuses one order id on two customers, naming both', async () => {
    const before = await storeFigures(f.store);
    const res = await upload('/api/datasets/transactions', 'customer_id,order_id,timestamp,amount\nA1,SHARED-1,2024-01-01T00:00:00Z,1.00\nB1,SHARED-1,2024-01-01T00:00:00Z,2.00\n');
    expect(res.status).toBe(422);
    const body = await safeError(res);
    expect(body).toMatchObject({ row: 2, column: 'order_id' });
    expect(body.message).toMatch(/SHARED-1.*A1.*B1/);
    expect(await storeFigures(f.store)).toEqual(before);
  });

  it('refuses a map onto a field the file already has a column for (API.md: a 400)', async () => {
    const before = await storeFigures(f.store);
    const res = await upload('/api/datasets/transactions?map=product=customer_id', 'customer_id,order_id,timestamp,amount,product\nP1,MAP-1,2024-01-01T00:00:00Z,1.00,sku\n');
    expect(res.status).toBe(400);
    expect(await safeError(res)).toMatchObject({ error: 'bad_input', field: 'map' });
    expect(await storeFigures(f.store)).toEqual(before);
  });
});

describe('customers uploads: upsert by default, replace on request (issue 17, finding 6)', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ customers: 30 });
  });
  afterAll(() => f.close());

  const upload = (query: string, body: string) => f.call('POST', `/api/datasets/customers${query}`, { role: 'admin', body, headers: { 'content-type': 'text/csv' } });
  const customer = async (id: string) => ({
    ...(await f.store.one(`SELECT CAST(signup_date AS VARCHAR) AS signup_date, churned FROM customers WHERE customer_id = $1`, [id])),
    attributes: Object.fromEntries((await f.store.all<{ name: string; v: unknown }>(`SELECT name, coalesce(text_value, CAST(num_value AS VARCHAR)) AS v FROM customer_attributes WHERE customer_id = $1 ORDER BY name`, [id])).map((r) => [r.name, r.v])),
  });

  it('keeps what a partial file does not mention', async () => {
    expect((await upload('', 'customer_id,signup_date,churned,plan,seats\nU1,2023-04-05,false,gold,12\n')).status).toBe(200);
    // The attack: a file with only customer_id and region set signup_date and churned to NULL and dropped plan and seats.
    expect((await upload('', 'customer_id,region\nU1,North\n')).status).toBe(200);
    expect(await customer('U1')).toEqual({ signup_date: '2023-04-05', churned: false, attributes: { plan: 'gold', region: 'North', seats: '12.0' } });
    expect((await upload('?mode=upsert', 'customer_id,churned,plan\nU1,true,silver\n')).status).toBe(200);
    expect(await customer('U1')).toEqual({ signup_date: '2023-04-05', churned: true, attributes: { plan: 'silver', region: 'North', seats: '12.0' } });
  });

  it('replaces each named customer whole with mode=replace, and no one else', async () => {
    expect((await upload('', 'customer_id,signup_date,plan\nU2,2022-01-01,bronze\n')).status).toBe(200);
    expect((await upload('?mode=replace', 'customer_id,region\nU1,South\n')).status).toBe(200);
    expect(await customer('U1')).toEqual({ signup_date: null, churned: null, attributes: { region: 'South' } });
    expect(await customer('U2')).toEqual({ signup_date: '2022-01-01', churned: null, attributes: { plan: 'bronze' } });
  });

  it('refuses mode on other kinds, and an unknown mode', async () => {
    const tx = await f.call('POST', '/api/datasets/transactions?mode=replace', { role: 'admin', body: 'customer_id,order_id,timestamp,amount\nU1,M-1,2024-01-01T00:00:00Z,1\n' });
    expect(tx.status).toBe(400);
    expect((await safeError(tx)).field).toBe('mode');
    expect((await upload('?mode=merge', 'customer_id\nU1\n')).status).toBe(400);
  });
});
