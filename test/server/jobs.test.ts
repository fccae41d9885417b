import { describe, expect, it } from 'vitest';
import { JobRunner } from '../../server/jobs.ts';

describe('job progress to listeners', () => {
  it('gives a listener that subscribes after a step began that step first, then the later ones and the end', async () => {
    const jobs = new JobRunner();
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reported = () => {};
    const firstStep = new Promise<void>((resolve) => (reported = resolve));
    const job = jobs.start('train', async (_signal, progress) => {
      progress({ step: 'features', fraction: 0.5 });
      reported();
      await gate;
      progress({ step: 'churn', fraction: 1 });
      return 'trained';
    });
    await firstStep;
    const seen: string[] = [];
    jobs.subscribe(job.id, (event) => seen.push(event.type === 'progress' ? `progress ${event.progress.step}` : `done ${event.job.status}`));
    release();
    await jobs.wait(job.id);
    expect(seen).toEqual(['progress features', 'progress churn', 'done succeeded']);
  });
});
