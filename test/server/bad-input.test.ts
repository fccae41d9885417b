import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, fixture, type Fixture } from './helpers.ts';

describe('bad input leaves the store as it was', () => {
  let f: Fixture;
  let before: string;
  beforeAll(async () => {
    f = await fixture({ customers: 120, limits: { sqlTimeoutMs: 400, jsonBytes: 64 * 1024, uploadBytes: 256 * 1024 } });
    before = await fingerprint(f.store);
  });
  afterAll(async () => {
    expect(await fingerprint(f.store)).toBe(before);
    f.close();
  });

  const noLeak = async (res: Response) => {
    const text = await res.text();
    expect(text).not.toMatch(/\/tmp\/|tierlab-server-test|node_modules|at \w+ \(/);
    return JSON.parse(text) as { error: string; message: string; field?: string; details?: any };
  };

  it('names the field of malformed JSON, wrong types and unknown fields', async () => {
    const malformed = await f.call('POST', '/api/sql', { role: 'analyst', body: '{"sql": "SELECT 1"', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect((await noLeak(malformed)).field).toBe('body');
    const wrongType = await f.call('POST', '/api/sentiment', { role: 'retention', json: { texts: 'not a list' } });
    expect(wrongType.status).toBe(400);
    expect((await noLeak(wrongType)).field).toBe('texts');
    const unknown = await f.call('POST', '/api/sql', { role: 'analyst', json: { sql: 'SELECT 1', dangerous: true } });
    expect(unknown.status).toBe(400);
    expect((await noLeak(unknown)).field).toBe('dangerous');
    const badQuery = await f.call('GET', '/api/customers?limit=abc', { role: 'retention' });
    expect((await noLeak(badQuery)).field).toBe('limit');
    const tooMany = await f.call('GET', '/api/customers?limit=501', { role: 'retention' });
    expect(tooMany.status).toBe(400);
    const unknownQuery = await f.call('GET', '/api/customers?drop=1', { role: 'retention' });
    expect((await noLeak(unknownQuery)).field).toBe('drop');
    const badCursor = await f.call('GET', '/api/customers?cursor=garbage', { role: 'retention' });
    expect((await noLeak(badCursor)).field).toBe('cursor');
    const notYet = await f.call('GET', '/api/customers?risk_band=high', { role: 'retention' });
    expect((await noLeak(notYet)).field).toBe('risk_band');
    const texts = await f.call('POST', '/api/sentiment', { role: 'retention', json: { texts: Array(1001).fill('ok') } });
    expect(texts.status).toBe(400);
  });

  it('answers 413 to bodies over the limits', async () => {
    const bigJson = await f.call('POST', '/api/sentiment', { role: 'retention', json: { texts: ['x'.repeat(100 * 1024)] } });
    expect(bigJson.status).toBe(413);
    await noLeak(bigJson);
    const bigUpload = await f.call('POST', '/api/datasets/transactions', { role: 'admin', body: 'customer_id,order_id\n'.repeat(20_000) });
    expect(bigUpload.status).toBe(413);
  });

  it('rejects broken CSV uploads with the ingest summary and no paths', async () => {
    const badRows = 'customer_id,order_id,timestamp,amount\nC1,X1,not a date,12.5\nC1,X2,2026-01-01,abc\n';
    const res = await f.call('POST', '/api/datasets/transactions', { role: 'admin', body: badRows });
    expect(res.status).toBe(422);
    const body = await noLeak(res);
    expect(body.details.rows_loaded).toBe(0);
    expect(body.details.error_count).toBeGreaterThanOrEqual(2);
    const missing = await f.call('POST', '/api/datasets/transactions', { role: 'admin', body: 'a,b\n1,2\n' });
    expect(missing.status).toBe(400);
    await noLeak(missing);
    const binary = await f.call('POST', '/api/datasets/feedback', { role: 'admin', body: new Uint8Array([0x50, 0x41, 0x52, 0x31, 0, 1, 2, 3]) });
    expect([400, 422]).toContain(binary.status);
    await noLeak(binary);
    const kind = await f.call('POST', '/api/datasets/passwords', { role: 'admin', body: 'a\n1\n' });
    expect(kind.status).toBe(400);
  });

  const hostile: [string, string][] = [
    ['DROP TABLE customers', 'SELECT'],
    ["COPY customers TO '/tmp/leak.csv'", 'SELECT'],
    ["ATTACH '/tmp/other.duckdb' AS other", 'SELECT'],
    ["SELECT * FROM read_csv('/etc/passwd')", 'read_csv'],
    ["SELECT * FROM '/etc/passwd'", 'unknown table'],
    ['SELECT 1; DROP TABLE customers', 'one statement'],
    ['PRAGMA database_list', 'SELECT'],
    ['SET threads = 1', 'SELECT'],
    ['INSTALL httpfs', 'SELECT'],
    ["SELECT * FROM glob('/etc/*')", 'glob'],
    ["SELECT getenv('HOME')", 'getenv'],
    ['UPDATE customers SET churned = true', 'SELECT'],
  ];
  for (const [sql, says] of hostile) {
    it(`refuses ${sql}`, async () => {
      const res = await f.call('POST', '/api/sql', { role: 'analyst', json: { sql } });
      expect(res.status).toBe(400);
      const body = await noLeak(res);
      expect(body.field).toBe('sql');
      expect(body.message).toContain(says);
    });
  }

  it('cancels a slow cross join at the time limit', async () => {
    const started = performance.now();
    const res = await f.call('POST', '/api/sql', { role: 'analyst', json: { sql: 'SELECT count(*) FROM range(1000000000) a, range(1000000000) b' } });
    expect(res.status).toBe(408);
    expect((await noLeak(res)).error).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(5000);
    // The server still answers afterwards.
    expect((await f.call('POST', '/api/sql', { role: 'analyst', json: { sql: 'SELECT 42 AS x' } })).status).toBe(200);
  });

  it('cannot read files even with a statement the checker would miss: the store itself is locked down', async () => {
    await expect(f.store.all("SELECT * FROM read_text('/etc/hostname')")).rejects.toThrow(/disabled by configuration|Permission/);
  });

  it('limits failed authentication per client', async () => {
    const limited = await fixture({ customers: 20, limits: { authFailuresPerMinute: 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await limited.call('GET', '/api/me', { token: `guess-${i}` })).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      // A right token from that client is not refused for the failures (test/security/auth.test.ts).
      expect((await limited.call('GET', '/api/me', { role: 'admin' })).status).toBe(200);
    } finally {
      limited.close();
    }
  });
});
