import { buildFeatures } from '../../data/features.ts';
import { Store } from '../../data/store.ts';
import { buildTiers } from '../../models/tiers/index.ts';
import { generateHistory } from './_history.ts';
import { progress, timeMs, type BenchResult } from './result.ts';

const LINES = 1_000_000;
const CUSTOMERS = 100_000;
const GOAL_MS = 1000;
const AS_OF = '2026-01-01';

/** buildFeatures + buildTiers on 1,000,000 lines of 100,000 customers. Value: wall time of both, median of 3. */
export default async function bench(): Promise<BenchResult> {
  const store = await Store.open({ path: ':memory:' });
  try {
    progress(`generating ${LINES} lines of ${CUSTOMERS} customers`);
    await generateHistory(store, { lines: LINES, customers: CUSTOMERS });
    const runs: { featuresMs: number; tiersMs: number; totalMs: number }[] = [];
    for (let r = 0; r < 3; r++) {
      const features = await timeMs(() => buildFeatures(store, { asOf: AS_OF }));
      const tiers = await timeMs(() => buildTiers(store));
      runs.push({ featuresMs: Math.round(features.ms), tiersMs: Math.round(tiers.ms), totalMs: Math.round(features.ms + tiers.ms) });
      progress(`run ${r + 1}: ${JSON.stringify(runs.at(-1))}`);
    }
    const median = [...runs].sort((a, b) => a.totalMs - b.totalMs)[1];
    const { n } = (await store.one<{ n: number }>(`SELECT count(*) n FROM customer_rfm`))!;
    return {
      bench: 'rfm',
      metric: 'features_and_tiers_ms',
      value: median.totalMs,
      unit: 'ms',
      goal: `buildFeatures + buildTiers under ${GOAL_MS} ms for ${LINES.toLocaleString('en')} lines of ${CUSTOMERS.toLocaleString('en')} customers`,
      met: median.totalMs < GOAL_MS,
      ...median,
      customersScored: n,
      runs,
    };
  } finally {
    store.close();
  }
}
