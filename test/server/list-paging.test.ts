import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshAnalyticsView } from '../../data/analytics.ts';
import { fixture, type Fixture } from './helpers.ts';

type Page = { items: { customer_id: string }[]; next_cursor: string | null };

describe('customer paging and risk ranges', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ customers: 120 });
    // A stand-in churn stage, so risk filters and the at-risk list have columns to work on.
    await f.store.run(`CREATE TABLE customer_churn AS SELECT customer_id, least(recency_days / 400.0, 1) AS churn_probability,
      CASE WHEN recency_days > 200 THEN 'high' ELSE 'low' END AS risk_band, least(recency_days / 400.0, 1) * monetary AS value_at_risk
      FROM customer_features`);
    await refreshAnalyticsView(f.store);
  });
  afterAll(() => f.close());

  const page = async (query: string) => {
    const res = await f.call('GET', `/api/customers?${query}`, { role: 'retention' });
    return { status: res.status, body: (await res.json()) as Page & { field?: string; message?: string } };
  };

  it('refuses a cursor sent back with another sort or order, which would page from the wrong place', async () => {
    const first = await page('sort=monetary&order=desc&limit=5');
    const cursor = encodeURIComponent(first.body.next_cursor!);
    expect((await page(`sort=monetary&order=desc&limit=5&cursor=${cursor}`)).status).toBe(200);
    for (const other of ['sort=monetary&order=asc', 'sort=recency_days&order=desc', 'order=desc']) {
      const res = await page(`${other}&limit=5&cursor=${cursor}`);
      expect(res.status, other).toBe(400);
      expect(res.body.field).toBe('cursor');
      expect(res.body.message).toContain('sort=monetary&order=desc');
    }
  });

  it('refuses a cursor whose position is not a number on a numeric sort', async () => {
    const forged = Buffer.from(JSON.stringify(['lots', 'C000001', 'monetary', 'asc'])).toString('base64url');
    const res = await page(`sort=monetary&cursor=${forged}`);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('cursor');
  });

  it('refuses min_risk above max_risk on both lists instead of answering nothing', async () => {
    const list = await page('min_risk=0.9&max_risk=0.1');
    expect(list.status).toBe(400);
    expect(list.body.field).toBe('min_risk');
    for (const format of ['json', 'csv']) {
      const res = await f.call('GET', `/api/churn/at-risk?min_risk=0.9&max_risk=0.1&format=${format}`, { role: 'retention' });
      expect(res.status, format).toBe(400);
      expect(((await res.json()) as { field: string }).field).toBe('min_risk');
    }
    expect((await page('min_risk=0.5&max_risk=0.5')).status).toBe(200);
  });
});
