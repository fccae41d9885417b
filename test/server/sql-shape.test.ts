import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, type Fixture } from './helpers.ts';

describe('SQL cells: what the endpoint says about its input and output', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ customers: 30 });
  });
  afterAll(() => f.close());

  const sql = async (json: Record<string, unknown>) => {
    const res = await f.call('POST', '/api/sql', { role: 'analyst', json });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  it('says a statement-free text is empty', async () => {
    for (const text of ['', '   ', '-- only a comment', '/* nothing */', ';']) {
      const res = await sql({ sql: text });
      expect(res.status, JSON.stringify(text)).toBe(400);
      expect(res.body).toMatchObject({ field: 'sql' });
      expect(res.body.message).toContain('SQL is empty');
    }
  });

  it('refuses a param the query does not use, naming it', async () => {
    const res = await sql({ sql: 'SELECT count(*) AS n FROM customers WHERE customer_id = :id', params: { id: 'C000001', idd: 'C000002' } });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('params.idd');
    expect(res.body.message).toContain(':id');
    expect((await sql({ sql: 'SELECT 1 AS x', params: { x: 1 } })).body.field).toBe('params.x');
    expect((await sql({ sql: 'SELECT count(*) AS n FROM customers WHERE customer_id = :id', params: { id: 'C000001' } })).status).toBe(200);
  });

  it('keeps integers past 2^53 exact, as text', async () => {
    const res = await sql({ sql: 'SELECT 9007199254740993::BIGINT AS big, 12345678901234567890::HUGEINT AS huge, 42::BIGINT AS small' });
    expect(res.status).toBe(200);
    expect(res.body.rows[0]).toEqual({ big: '9007199254740993', huge: '12345678901234567890', small: 42 });
  });
});
