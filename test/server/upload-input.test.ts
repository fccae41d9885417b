import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, fixture, type Fixture } from './helpers.ts';

describe('upload options and envelopes: named in API terms, nothing stored on refusal', () => {
  let f: Fixture;
  let before: string;
  beforeAll(async () => {
    f = await fixture({ customers: 40 });
    before = await fingerprint(f.store);
  });
  afterAll(async () => {
    expect(await fingerprint(f.store)).toBe(before);
    f.close();
  });

  const upload = async (path: string, body: BodyInit, headers: Record<string, string> = {}) => {
    const res = await f.call('POST', path, { role: 'admin', body, headers });
    return { status: res.status, body: (await res.json()) as { error: string; message: string; field?: string } };
  };
  const csv = 'customer_id,order_id,timestamp,amount\nC000001,NEWORDER1,2026-01-02 10:00:00,12.5\n';

  it('names an unknown time zone as the timezone parameter (was a 500)', async () => {
    const res = await upload('/api/datasets/transactions?timezone=Mars/Olympus', csv);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'bad_input', field: 'timezone' });
    expect(res.body.message).toContain('Mars/Olympus');
    expect(res.body.message).not.toContain('--');
  });

  it('refuses a multipart form instead of reading its boundary as a header', async () => {
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'orders.csv');
    const res = await f.app.request('/api/datasets/transactions', { method: 'POST', headers: { authorization: `Bearer ${f.tokens.admin}` }, body: form });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'body', message: expect.stringContaining('multipart/form-data') });
  });

  it('refuses a map that names a column or a field twice', async () => {
    const twiceField = await upload('/api/datasets/customers?map=a=customer_id,b=customer_id', 'a,b\nX1,X2\n');
    expect(twiceField.status).toBe(400);
    expect(twiceField.body.field).toBe('map');
    expect(twiceField.body.message).toContain('customer_id');
    const twiceColumn = await upload('/api/datasets/customers?map=a=customer_id,a=signup_date', 'a,b\nX1,X2\n');
    expect(twiceColumn.status).toBe(400);
    expect(twiceColumn.body.message).toContain('"a" twice');
  });

  it('names query parameters, not command-line flags, in ingest messages', async () => {
    const rejected = await upload('/api/datasets/transactions', 'customer_id,order_id,timestamp,amount\nC000001,NEWORDER2,2026-01-02,abc\n');
    expect(rejected.status).toBe(422);
    expect(rejected.body.message).toContain('skip_bad_rows=true');
    const missing = await upload('/api/datasets/transactions', 'a,b\n1,2\n');
    expect(missing.body.message).toContain('map=source=field');
    const entry = await upload('/api/datasets/transactions?map=oops', 'a,b\n1,2\n');
    expect(entry.body.message).toBe('map entry "oops" is not source=field');
    for (const message of [rejected.body.message, missing.body.message, entry.body.message]) expect(message).not.toMatch(/--[a-z]/);
  });

  it('says why a file that is not Parquet cannot be read, without the loader\'s own SQL or a row 0', async () => {
    const res = await f.call('POST', '/api/datasets/transactions?format=parquet', { role: 'admin', body: csv });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; message: string; row?: number };
    expect(body.error).toBe('bad_file');
    expect(body.message).toContain('cannot read the file as Parquet');
    expect(body.message).not.toMatch(/LINE \d|ingest_raw|SELECT/);
    expect(body.row).toBeUndefined();
  });
});
