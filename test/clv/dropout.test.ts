import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestFile } from '../../data/ingest.ts';
import { sharedDataDir } from '../../data/paths.ts';
import { fitBgNbd, probabilityAlive, type BgNbdFit } from '../../models/clv/bgnbd.ts';
import { simulateTransactions } from '../../models/clv/simulate.ts';
import { summarize, type CustomerSummary } from '../../models/clv/summary.ts';
import { readTransactions } from '../../models/clv/table.ts';
import { memoryStore, RETAIL_MAPPING } from '../data/support.ts';

const SPEND = { p: 6, q: 4, gamma: 15 };

function simulatedFit(dropout: { a: number; b: number }) {
  const { tx, asOf } = simulateTransactions({ customers: 5_000, seed: 7, bgnbd: { r: 0.5, alpha: 6, ...dropout }, gammaGamma: SPEND, unit: 'week' });
  const summary = summarize(tx, { asOf, unit: 'week' });
  return { summary, fit: fitBgNbd(summary) };
}

const largestDropoutChance = (fit: BgNbdFit, s: CustomerSummary) =>
  Math.max(...Array.from(s.frequency, (x, i) => 1 - probabilityAlive(fit.params, x, s.recency[i], s.age[i])));

function expectNoDropoutFlagged(fit: BgNbdFit, summary: CustomerSummary) {
  expect(fit.noDropout).toBe(true);
  expect(fit.warning).toMatch(/found no dropout.*p_alive is ~1 for everyone.*churn model/);
  expect(fit.expectedDropouts).toBeLessThan(1);
  expect(fit.dropoutPerPurchase).toBeLessThan(1e-6);
  // The flag means what the warning says: nobody, however long silent, is given a real chance of having left.
  expect(largestDropoutChance(fit, summary)).toBeLessThan(1e-3);
  // Running to the no-dropout limit is reported as that, not as a failed search.
  expect(fit.converged).toBe(true);
}

describe('BG/NBD no-dropout corner', () => {
  it('is flagged on simulated customers who never drop out', () => {
    // Beta(1e-9, 2.5) dropout: every simulated customer's dropout chance is 0 to double precision.
    const { summary, fit } = simulatedFit({ a: 1e-9, b: 2.5 });
    expectNoDropoutFlagged(fit, summary);
  });

  it('is not flagged on simulated customers with real dropout', () => {
    const { summary, fit } = simulatedFit({ a: 0.8, b: 2.5 });
    expect(fit.converged).toBe(true);
    expect(fit.noDropout).toBe(false);
    expect(fit.warning).toBeUndefined();
    expect(fit.expectedDropouts).toBeGreaterThan(100);
    expect(largestDropoutChance(fit, summary)).toBeGreaterThan(0.5);
  });
});

const retailFile = join(sharedDataDir, 'online_retail.csv');

describe.skipIf(!existsSync(retailFile))('BG/NBD no-dropout corner on the UK online retail log (needs ../shared/data)', () => {
  it('is flagged on the full log and on the 90-day calibration fit', async () => {
    const store = await memoryStore();
    try {
      await ingestFile(store, { kind: 'transactions', file: retailFile, mapping: RETAIL_MAPPING, skipBadRows: true });
      const tx = await readTransactions(store, { before: '2011-12-10' });
      const summary = summarize(tx, { asOf: '2011-12-10', unit: 'week' });
      expectNoDropoutFlagged(fitBgNbd(summary), summary);

      const calibration = summarize(tx, { asOf: '2011-09-11', unit: 'week' });
      expectNoDropoutFlagged(fitBgNbd(calibration), calibration);
    } finally {
      store.close();
    }
  }, 60_000);
});
