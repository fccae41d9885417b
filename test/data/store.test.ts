import { describe, expect, it } from 'vitest';
import { Store } from '../../data/store.ts';

describe('store: progress of long statements', () => {
  it('reports percentages between 0 and 100 while a long statement runs, and nothing after it ends', async () => {
    const store = await Store.open({ path: ':memory:' });
    try {
      const reports: number[] = [];
      // A grouped scan of 30 million rows: long enough to be sampled every 10 ms on any machine.
      await store.run(`CREATE TEMP TABLE big AS SELECT range AS i FROM range(30000000)`);
      await store.runWithProgress(`CREATE TEMP TABLE t AS SELECT hash(i) % 1000 AS k, count(*) AS n FROM big GROUP BY k`, (p) => reports.push(p), 10);
      const after = reports.length;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(reports.length).toBeGreaterThan(0);
      expect(reports.every((p) => Number.isInteger(p) && p >= 0 && p <= 100)).toBe(true);
      expect(reports.length).toBe(after);
    } finally {
      store.close();
    }
  });
});
