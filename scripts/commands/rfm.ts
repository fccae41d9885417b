import { parseDate } from '../../data/dates.ts';
import { ENGINE_NAMES, withEngine } from '../../models/engine/index.ts';
import { buildCustomerFeatures } from '../../models/features.ts';
import { readTierRules, tierSummary } from '../../models/tiers/index.ts';
import type { TierDimension, TierGroup } from '../../models/tiers/summary.ts';
import { defineCommand } from '../command.ts';
import { withStore } from '../store-flag.ts';

const DIMENSIONS: [TierDimension, string][] = [
  ['rfm_segment', 'RFM segment'],
  ['abc_class', 'ABC class'],
  ['value_tier', 'Value tier'],
  ['lifecycle_stage', 'Lifecycle stage'],
];

function table(title: string, groups: TierGroup[]): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
  const lines = [`${title.padEnd(20)} customers  cust%   rev%   med R  med F     med M`];
  for (const g of groups) {
    lines.push(
      `${g.tier.padEnd(20)} ${String(g.customers).padStart(9)} ${pct(g.share_of_customers)} ${pct(g.share_of_revenue)} ${String(g.median_recency_days ?? '-').padStart(7)} ${String(g.median_frequency).padStart(6)} ${g.median_monetary.toFixed(2).padStart(9)}`,
    );
  }
  return lines.join('\n');
}

export default defineCommand({
  summary: 'Compute features, RFM scores and segments, ABC/value tiers and lifecycle stages; print the tier summary',
  usage: `
tierlab rfm [--db PATH] [--as-of DATE] [--rules FILE] [--engine duckdb|clickhouse] [--json]

  --as-of DATE   cutoff YYYY-MM-DD (UTC, exclusive); default the day after the last transaction
  --rules FILE   JSON overriding the cut points, segment rules, value-tier or lifecycle thresholds (see README)
  --engine NAME  where features and tiers are computed: ${ENGINE_NAMES.join(' or ')} (default $TIERLAB_ENGINE, else
                 duckdb); clickhouse reads the TIERLAB_CLICKHOUSE_* settings (README: "Past one machine")
  --json         print JSON instead of tables

Writes customer_features and customer_rfm (view customer_analytics joins them) and prints, for each RFM segment,
ABC class, value tier and lifecycle stage: customers, shares of customers and revenue, median R, F and M,
with the cut points and rules actually used.`,
  options: { db: { type: 'string' }, 'as-of': { type: 'string' }, rules: { type: 'string' }, engine: { type: 'string' }, json: { type: 'boolean' } },
  async run(flags) {
    const rules = flags.rules ? readTierRules(flags.rules) : {};
    const say = (progress: Record<string, unknown>) => process.stderr.write(`${JSON.stringify(progress)}\n`);
    await withStore(flags.db, (store) => withEngine({ name: flags.engine, onProgress: say }, async (engine) => {
      const asOf = await buildCustomerFeatures(store, { asOf: flags['as-of'] && parseDate(flags['as-of'], 'as-of'), engine });
      const applied = await engine.buildTiers(store, rules);
      const summaries = Object.fromEntries(await Promise.all(DIMENSIONS.map(async ([d]) => [d, await tierSummary(store, d)] as const)));
      if (flags.json) {
        console.log(JSON.stringify({ as_of: asOf, rules: applied, ...summaries }));
        return;
      }
      console.log(`As of ${asOf} (UTC). Cut points (${applied.cutsSource}): R ${applied.cuts.recency.join('/')} days, F ${applied.cuts.frequency.join('/')} orders, M ${applied.cuts.monetary.join('/')}\n`);
      for (const [d, title] of DIMENSIONS) console.log(`${table(title, summaries[d])}\n`);
    }));
  },
});
