import { DEMO_DEFAULTS, loadDemo, type DemoGenerator } from '../../data/demo.ts';
import { badInput } from '../../data/errors.ts';
import { defineCommand, numberFlag } from '../command.ts';
import { tierlabHome } from '../../data/paths.ts';
import { writeWorkspace } from '../../server/routes/workspace.ts';
import { langFlag } from '../lang-flag.ts';
import { withStore } from '../store-flag.ts';

export default defineCommand({
  summary: 'Generate seeded demo customers, transactions and feedback and load them',
  usage: `
tierlab demo [--customers N] [--seed S] [--generator js|sql] [--lang en|zh] [--db PATH]

  --customers N   how many customers (default ${DEMO_DEFAULTS.customers})
  --seed S        random seed; the same seed gives the same data (default ${DEMO_DEFAULTS.seed})
  --generator G   js (default): the original demo, about 4 transaction lines a customer; sql: generated in
                  DuckDB, about 10 lines and one feedback row a customer, a million customers in about a minute
  --lang L        en (default, or $TIERLAB_LANG) or zh: Chinese product names and feedback texts (the same
                  history as en for a seed), feedback scored by the Chinese model, and the UI in 中文 by default
                  (the workspace's language, README: "中文 / Languages")
  --db PATH       the DuckDB store (default: $TIERLAB_HOME/tierlab.duckdb)

Prints the three ingest summaries as JSON.`,
  options: { customers: { type: 'string' }, seed: { type: 'string' }, generator: { type: 'string' }, lang: { type: 'string' }, db: { type: 'string' } },
  async run(flags) {
    const customers = numberFlag(flags.customers, 'customers', DEMO_DEFAULTS.customers);
    const seed = numberFlag(flags.seed, 'seed', DEMO_DEFAULTS.seed);
    const generator = (flags.generator ?? 'js') as DemoGenerator;
    if (generator !== 'js' && generator !== 'sql') throw badInput(`--generator must be js or sql, got "${generator}"`, { field: 'generator' });
    const lang = langFlag(flags.lang);
    await withStore(flags.db, async (store) => {
      const summaries = await loadDemo(store, { customers, seed, generator, lang, onProgress: (m) => process.stderr.write(`${m}\n`) });
      if (lang === 'zh') writeWorkspace(tierlabHome(), { language: 'zh' });
      console.log(JSON.stringify(summaries));
    });
  },
});
