import { describe, expect, it } from 'vitest';
import { TierlabError } from '../../data/errors.ts';
import { checkHeap } from '../../models/heap-guard.ts';

describe('heap guard', () => {
  it('passes below the share and fails with the stage, step and size above it', () => {
    expect(() => checkHeap({ stage: 'churn', step: 'scoring', customers: 1000 }, 1)).not.toThrow();
    let error: unknown;
    try {
      checkHeap({ stage: 'churn', step: 'scoring', customers: 1_000_000 }, 0);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TierlabError);
    expect((error as Error).message).toMatch(/the churn stage \(scoring\) at 1000000 customers is about to exceed Node's memory: \d+ of \d+ MB heap in use/);
  });
});
