import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, type Fixture } from './helpers.ts';

describe('SQL results are kept until the data changes', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture();
  });
  afterAll(() => f.close());

  const count = async () => {
    const res = await f.call('POST', '/api/sql', { role: 'analyst', json: { sql: 'SELECT count(*) AS n FROM transactions' } });
    expect(res.status).toBe(200);
    return (await res.json()) as { rows: { n: number }[]; cached: boolean };
  };

  it('answers a repeated query from the cache, and recomputes after an upload', async () => {
    const first = await count();
    expect(first.cached).toBe(false);
    const again = await count();
    expect(again.cached).toBe(true);
    expect(again.rows).toEqual(first.rows);

    const csv = 'customer_id,order_id,timestamp,amount\nC000001,NEW-1,2026-06-01T10:00:00Z,12.50\n';
    const upload = await f.call('POST', '/api/datasets/transactions', { role: 'admin', body: csv, headers: { 'content-type': 'text/csv' } });
    expect(upload.status).toBe(200);
    const after = await count();
    expect(after.cached).toBe(false);
    expect(after.rows[0].n).toBe(first.rows[0].n + 1);
  });

  it('never keeps a query that reads the clock or draws random numbers', async () => {
    for (const sql of ['SELECT random() AS r', 'SELECT now() AS t', 'SELECT count(*) AS n FROM customer_rfm WHERE random() < 2']) {
      for (let i = 0; i < 2; i++) {
        const res = await f.call('POST', '/api/sql', { role: 'analyst', json: { sql } });
        expect(res.status).toBe(200);
        expect(((await res.json()) as { cached: boolean }).cached).toBe(false);
      }
    }
  });
});
