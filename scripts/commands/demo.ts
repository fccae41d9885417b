import { DEMO_DEFAULTS, loadDemo, type DemoGenerator } from '../../data/demo.ts';
import { badInput } from '../../data/errors.ts';
import { defineCommand, numberFlag } from '../command.ts';
import { withStore } from '../store-flag.ts';

export default defineCommand({
  summary: 'Generate seeded demo customers, transactions and feedback and load them',
  usage: `
tierlab demo [--customers N] [--seed S] [--generator js|sql] [--db PATH]

  --customers N   how many customers (default ${DEMO_DEFAULTS.customers})
  --seed S        random seed; the same seed gives the same data (default ${DEMO_DEFAULTS.seed})
  --generator G   js (default): the original demo, about 4 transaction lines a customer; sql: generated in
                  DuckDB, about 10 lines and one feedback row a customer, a million customers in about a minute
  --db PATH       the DuckDB store (default: $TIERLAB_HOME/tierlab.duckdb)

Prints the three ingest summaries as JSON.`,
  options: { customers: { type: 'string' }, seed: { type: 'string' }, generator: { type: 'string' }, db: { type: 'string' } },
  async run(flags) {
    const customers = numberFlag(flags.customers, 'customers', DEMO_DEFAULTS.customers);
    const seed = numberFlag(flags.seed, 'seed', DEMO_DEFAULTS.seed);
    const generator = (flags.generator ?? 'js') as DemoGenerator;
    if (generator !== 'js' && generator !== 'sql') throw badInput(`--generator must be js or sql, got "${generator}"`, { field: 'generator' });
    await withStore(flags.db, async (store) => {
      const summaries = await loadDemo(store, { customers, seed, generator, onProgress: (m) => process.stderr.write(`${m}\n`) });
      console.log(JSON.stringify(summaries));
    });
  },
});
