import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../server/jobs.ts';
import { retrainJob } from '../../server/start.ts';
import { fixture, type Fixture } from '../server/helpers.ts';
import { safeError, within } from './support.ts';

/**
 * One writer, no lost writes (issue 17, finding 5): an upload acknowledged while a training job ran vanished
 * when the job's promotion loaded its older tables, and a job started right after a promotion failed with
 * DuckDB's raw write-write conflict. Real training jobs (the lead's retrain) on a small demo store.
 */
describe('uploads, training jobs and promotions', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ customers: 300, train: retrainJob });
  });
  afterAll(() => f.close());

  const orders = (customer: string, order: string) => `customer_id,order_id,timestamp,amount\n${customer},${order},2026-06-01T10:00:00Z,42.50\n`;
  const upload = (body: string) => f.call('POST', '/api/datasets/transactions', { role: 'admin', body, headers: { 'content-type': 'text/csv' } });
  const startJob = async () => {
    const res = await f.call('POST', '/api/jobs/train', { role: 'admin' });
    expect(res.status).toBe(202);
    return ((await res.json()) as Job).id;
  };
  const finish = async (id: string) => {
    const job = await within(180_000, 'a training job', f.deps.jobs.wait(id));
    expect(job.error).toBeNull();
    expect(job.status).toBe('succeeded');
    return job;
  };
  const visible = async (customer: string) => (await f.call('GET', `/api/customers/${customer}`, { role: 'retention' })).status;

  it('keeps every acknowledged upload visible through later promotions and activations', async () => {
    const first = await startJob();
    // The attack: an upload sent while the job runs. Either it is refused (to retry), or it must survive the promotion.
    const during = await upload(orders('DURING-1', 'DURING-ORDER-1'));
    const acknowledged: string[] = [];
    if (during.status === 200) acknowledged.push('DURING-1');
    else {
      expect(during.status).toBe(409);
      expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await safeError(during)).toMatchObject({ error: 'busy', details: { job: first } });
    }
    await finish(first);
    for (const id of acknowledged) expect(await visible(id), `${id} after the promotion`).toBe(200);

    const after = await upload(orders('AFTER-1', 'AFTER-ORDER-1'));
    expect(after.status).toBe(200);
    acknowledged.push('AFTER-1');
    expect(await visible('AFTER-1')).toBe(200);

    // A job started right after a promotion: it used to fail on DuckDB's write-write conflict.
    await finish(await startJob());
    for (const id of acknowledged) expect(await visible(id), `${id} after the second promotion`).toBe(200);

    // Back to the first version, trained before AFTER-1 came: its features and tiers are rebuilt on today's data.
    expect((await f.call('POST', '/api/models/1/activate', { role: 'admin' })).status).toBe(200);
    for (const id of acknowledged) expect(await visible(id), `${id} after activating version 1`).toBe(200);
    const health = (await (await f.call('GET', '/api/health')).json()) as { model_version: string; status: string };
    expect(health).toMatchObject({ model_version: '1', status: 'ok' });
  });
});
