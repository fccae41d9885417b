import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../server/jobs.ts';
import { retrainJob } from '../../server/start.ts';
import { EXPLICIT_LABEL_MIN_PER_CLASS } from '../../models/pipeline.ts';
import { fixture, type Fixture } from '../server/helpers.ts';
import { within } from './support.ts';

/**
 * One `churned=true` row switched retraining to explicit labels, after which every retrain failed ("1 churned
 * and 0 retained") until the row was repaired (issue 17, finding 6).
 */
describe('a few labelled customers do not break training', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ customers: 250, train: retrainJob });
  });
  afterAll(() => f.close());

  it('trains on behavioural labels with a warning until enough customers are labelled', async () => {
    const upload = await f.call('POST', '/api/datasets/customers', { role: 'admin', body: 'customer_id,churned\nC000001,true\n', headers: { 'content-type': 'text/csv' } });
    expect(upload.status).toBe(200);
    const started = (await (await f.call('POST', '/api/jobs/train', { role: 'admin' })).json()) as Job;
    const job = await within(180_000, 'training', f.deps.jobs.wait(started.id));
    expect(job.error).toBeNull();
    expect(job.status).toBe('succeeded');
    const churn = (await (await f.call('GET', '/api/churn/evaluation', { role: 'analyst' })).json()) as { label: string; labelWarning: string };
    expect(churn.label).toBe('behavioural');
    expect(churn.labelWarning).toContain(`1 churned and 0 retained`);
    expect(churn.labelWarning).toContain(`at least ${EXPLICIT_LABEL_MIN_PER_CLASS} of each`);
  });
});
