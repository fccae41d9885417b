import { parseDate } from '../../data/dates.ts';
import { ENGINE_NAMES, withEngine } from '../../models/engine/index.ts';
import { buildCustomerFeatures } from '../../models/features.ts';
import { readTierRules, tierSummary } from '../../models/tiers/index.ts';
import type { TierDimension, TierGroup } from '../../models/tiers/summary.ts';
import { defineCommand } from '../command.ts';
import type { Lang } from '../../data/lang.ts';
import { domainValue } from '../../models/i18n/names.ts';
import { cliWords } from '../cli-words.ts';
import { LANG_USAGE, langFlag } from '../lang-flag.ts';
import { withStore } from '../store-flag.ts';
import { pad } from '../text-table.ts';

const DIMENSIONS: TierDimension[] = ['rfm_segment', 'abc_class', 'value_tier', 'lifecycle_stage'];

/** One dimension's summary as an aligned table, its names and headings in `lang`. */
function table(dimension: TierDimension, groups: TierGroup[], lang: Lang): string {
  const words = cliWords(lang);
  const pct = (x: number) => pad(`${(x * 100).toFixed(1)}%`, 9, 'right');
  const head = (key: Parameters<typeof words>[0], width: number) => pad(words(key), width, 'right');
  const lines = [`${pad(words(dimension), 20)} ${head('customers', 9)} ${head('customerShare', 9)} ${head('revenueShare', 9)} ${head('medianR', 9)} ${head('medianF', 9)} ${head('medianM', 10)}`];
  for (const g of groups) {
    lines.push(
      `${pad(String(domainValue(dimension, g.tier, lang)), 20)} ${pad(String(g.customers), 9, 'right')} ${pct(g.share_of_customers)} ${pct(g.share_of_revenue)} ${pad(String(g.median_recency_days ?? '-'), 9, 'right')} ${pad(String(g.median_frequency), 9, 'right')} ${pad(g.median_monetary.toFixed(2), 10, 'right')}`,
    );
  }
  return lines.join('\n');
}

export default defineCommand({
  summary: 'Compute features, RFM scores and segments, ABC/value tiers and lifecycle stages; print the tier summary',
  usage: `
tierlab rfm [--db PATH] [--as-of DATE] [--rules FILE] [--engine duckdb|clickhouse] [--lang en|zh] [--json]

  --as-of DATE   cutoff YYYY-MM-DD (UTC, exclusive); default the day after the last transaction
  --rules FILE   JSON overriding the cut points, segment rules, value-tier or lifecycle thresholds (see README)
  --engine NAME  where features and tiers are computed: ${ENGINE_NAMES.join(' or ')} (default $TIERLAB_ENGINE, else
                 duckdb); clickhouse reads the TIERLAB_CLICKHOUSE_* settings (README: "Past one machine")
  --json         print JSON instead of tables (names as stored, in English)
  ${LANG_USAGE}

Writes customer_features and customer_rfm (view customer_analytics joins them) and prints, for each RFM segment,
ABC class, value tier and lifecycle stage: customers, shares of customers and revenue, median R, F and M,
with the cut points and rules actually used.`,
  options: { db: { type: 'string' }, 'as-of': { type: 'string' }, rules: { type: 'string' }, engine: { type: 'string' }, json: { type: 'boolean' }, lang: { type: 'string' } },
  async run(flags) {
    const lang = langFlag(flags.lang);
    const rules = flags.rules ? readTierRules(flags.rules) : {};
    const say = (progress: Record<string, unknown>) => process.stderr.write(`${JSON.stringify(progress)}\n`);
    await withStore(flags.db, (store) => withEngine({ name: flags.engine, onProgress: say }, async (engine) => {
      const asOf = await buildCustomerFeatures(store, { asOf: flags['as-of'] && parseDate(flags['as-of'], 'as-of'), engine });
      const applied = await engine.buildTiers(store, rules);
      const summaries = Object.fromEntries(await Promise.all(DIMENSIONS.map(async (d) => [d, await tierSummary(store, d)] as const)));
      if (flags.json) {
        console.log(JSON.stringify({ as_of: asOf, rules: applied, ...summaries }));
        return;
      }
      const cuts = applied.cuts;
      console.log(`${cliWords(lang)('asOf', { asOf, source: applied.cutsSource, r: cuts.recency.join('/'), f: cuts.frequency.join('/'), m: cuts.monetary.join('/') })}\n`);
      for (const d of DIMENSIONS) console.log(`${table(d, summaries[d], lang)}\n`);
    }));
  },
});
