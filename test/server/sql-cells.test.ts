import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, fingerprint, type Fixture } from './helpers.ts';

describe('SQL cells on cells, the schema and errors that point', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ customers: 40 });
  });
  afterAll(() => f.close());

  const sql = async (json: Record<string, unknown>) => {
    const res = await f.call('POST', '/api/sql', { role: 'analyst', json });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  it('reads an earlier cell by name, in order, with the params of both', async () => {
    const top = { name: 'top_customers', sql: 'SELECT customer_id, signup_date FROM customers WHERE customer_id <> :skip ORDER BY customer_id DESC LIMIT 5;' };
    const res = await sql({ sql: 'WITH c AS (SELECT * FROM top_customers) SELECT customer_id FROM c ORDER BY customer_id', cells: [top], params: { skip: '??' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const expected = await f.store.all<{ customer_id: string }>('SELECT customer_id FROM (SELECT customer_id FROM customers ORDER BY customer_id DESC LIMIT 5) ORDER BY 1');
    expect(res.body.rows).toEqual(expected);
    // A chain: b reads a, the cell reads b.
    const chain = await sql({ sql: 'SELECT n * 2 AS m FROM b', cells: [{ name: 'a', sql: 'SELECT count(*) AS n FROM customers' }, { name: 'b', sql: 'SELECT n + 1 AS n FROM a' }] });
    expect(chain.body.rows).toEqual([{ m: ((await f.store.one<{ n: number }>('SELECT count(*)::INT AS n FROM customers'))!.n + 1) * 2 }]);
  });

  it('holds referenced cells to the same read-only guard', async () => {
    const before = await fingerprint(f.store);
    const attacks = [
      { name: 'x', sql: "SELECT * FROM read_csv('/etc/passwd')" },
      { name: 'x', sql: 'DELETE FROM customers' },
      { name: 'x', sql: 'SELECT 1) SELECT 1; DROP TABLE customers; --' },
      { name: 'x', sql: "SELECT getenv('HOME') AS h" },
    ];
    for (const cell of attacks) {
      const res = await sql({ sql: 'SELECT * FROM x', cells: [cell] });
      expect(res.status, cell.sql).toBe(400);
    }
    const badName = await sql({ sql: 'SELECT 1', cells: [{ name: 'a b', sql: 'SELECT 1' }] });
    expect(badName.body.field).toBe('cells[0].name');
    expect(await fingerprint(f.store)).toBe(before);
  });

  it("shows DuckDB's suggestions and where the mistake is in the cell's own text", async () => {
    const column = await sql({ sql: 'SELECT customer_id,\n  signup_dat\nFROM customers' });
    expect(column.status).toBe(400);
    expect(column.body.message).toMatch(/signup_dat[\s\S]*Candidate bindings:.*"signup_date"/);
    expect(column.body.details).toMatchObject({ position: 22, line: 2, column: 3 });
    // The same mistake behind a referenced cell's CTE still points into the cell.
    const composed = await sql({ sql: 'SELECT signup_dat FROM a', cells: [{ name: 'a', sql: 'SELECT * FROM customers' }] });
    expect(composed.body.details).toMatchObject({ position: 7, line: 1, column: 8 });
    const table = await sql({ sql: 'SELECT * FROM custmers' });
    expect(table.body.message).toContain('Did you mean "customers"');
    expect(table.body.details).toMatchObject({ position: 14 });
    // A mistake inside the referenced cell names that cell.
    const inner = await sql({ sql: 'SELECT * FROM a', cells: [{ name: 'a', sql: 'SELECT nope FROM customers' }] });
    expect(inner.body.message).toMatch(/^in cell a \(line 1\)/);
    expect(inner.body.details).toMatchObject({ cell: 'a', line: 1, column: 8 });
  });

  it('lists the tables and views a cell may read, with columns, types and row counts', async () => {
    const res = await f.call('GET', '/api/sql/schema', { role: 'analyst' });
    expect(res.status).toBe(200);
    const { tables } = (await res.json()) as { tables: { name: string; kind: string; rows: number; columns: { name: string; type: string }[] }[] };
    const customers = tables.find((t) => t.name === 'customers')!;
    expect(customers).toMatchObject({ kind: 'table', rows: 40 });
    expect(customers.columns.map((c) => c.name)).toContain('signup_date');
    const view = tables.find((t) => t.kind === 'view')!;
    expect(view.rows).toBe((await f.store.one<{ n: number }>(`SELECT count(*)::INT AS n FROM ${view.name}`))!.n);
    expect((await f.call('GET', '/api/sql/schema', { role: 'retention' })).status).toBe(403);
  });
});
