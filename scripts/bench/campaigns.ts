import { refreshAnalyticsView } from '../../data/analytics.ts';
import { buildFeatures } from '../../data/features.ts';
import { Store } from '../../data/store.ts';
import { campaignResults, createCampaign, exportCsvLine, TREATMENT_SQL } from '../../models/campaigns/index.ts';
import { DEFAULT_RULES } from '../../models/playbooks/index.ts';
import { buildTiers } from '../../models/tiers/index.ts';
import { generateHistory } from './_history.ts';
import { median, progress, timeMs, type BenchResult } from './result.ts';

const LINES = 1_000_000;
const CUSTOMERS = 100_000;
const GOAL_MS = 2000;
/** The history ends 2025-12-31: the campaign starts in its last 90 days, so outcomes have orders to read. */
const STARTS = '2025-10-01';

/**
 * A campaign over every customer of 1,000,000 lines of 100,000 customers: create (members frozen, control drawn),
 * export every treatment row as CSV text, and the outcomes (per-member window over the transactions, z-tests,
 * 2,000 bootstrap resamples). Value: the slowest of the three, median of 3.
 */
export default async function bench(): Promise<BenchResult> {
  const store = await Store.open({ path: ':memory:' });
  try {
    progress(`generating ${LINES} lines of ${CUSTOMERS} customers, features and tiers`);
    await generateHistory(store, { lines: LINES, customers: CUSTOMERS });
    await buildFeatures(store, { asOf: STARTS });
    await buildTiers(store);
    await refreshAnalyticsView(store);
    const playbook = { version: 0, updated_at: null, rules: DEFAULT_RULES };
    const runs: { createMs: number; exportMs: number; resultsMs: number; members: number }[] = [];
    for (let r = 0; r < 3; r++) {
      const created = await timeMs(() => createCampaign(store, { name: `bench ${r}`, filter: {}, ruleId: 'standard', playbook, controlPercent: 10, seed: r, startsAt: STARTS, horizonDays: 90 }));
      const campaign = created.result;
      const exported = await timeMs(async () => {
        let bytes = 0;
        const result = await store.connection.stream(TREATMENT_SQL, { id: campaign.campaign_id });
        for await (const rows of result.yieldRowObjectJs()) bytes += rows.map((row) => exportCsvLine(row as Record<string, unknown>, campaign.action)).join('\n').length;
        return bytes;
      });
      const results = await timeMs(() => campaignResults(store, campaign.campaign_id));
      runs.push({ createMs: Math.round(created.ms), exportMs: Math.round(exported.ms), resultsMs: Math.round(results.ms), members: campaign.treatment_count + campaign.control_count });
      progress(`run ${r + 1}: ${JSON.stringify(runs.at(-1))}`);
    }
    const slowest = median(runs.map((run) => Math.max(run.createMs, run.exportMs, run.resultsMs)));
    return {
      bench: 'campaigns',
      metric: 'slowest_step_ms',
      value: slowest,
      unit: 'ms',
      goal: `create, export and results each under ${GOAL_MS} ms for a campaign of ${CUSTOMERS.toLocaleString('en')} customers over ${LINES.toLocaleString('en')} lines`,
      met: slowest < GOAL_MS,
      createMs: median(runs.map((run) => run.createMs)),
      exportMs: median(runs.map((run) => run.exportMs)),
      resultsMs: median(runs.map((run) => run.resultsMs)),
      runs,
    };
  } finally {
    store.close();
  }
}
