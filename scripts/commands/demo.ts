import { DEMO_DEFAULTS, loadDemo } from '../../data/demo.ts';
import { defineCommand, numberFlag } from '../command.ts';
import { withStore } from '../store-flag.ts';

export default defineCommand({
  summary: 'Generate seeded demo customers, transactions and feedback and load them',
  usage: `
tierlab demo [--customers N] [--seed S] [--db PATH]

  --customers N   how many customers (default ${DEMO_DEFAULTS.customers})
  --seed S        random seed; the same seed gives the same data (default ${DEMO_DEFAULTS.seed})
  --db PATH       the DuckDB store (default: $TIERLAB_HOME/tierlab.duckdb)

Prints the three ingest summaries as JSON.`,
  options: { customers: { type: 'string' }, seed: { type: 'string' }, db: { type: 'string' } },
  async run(flags) {
    const customers = numberFlag(flags.customers, 'customers', DEMO_DEFAULTS.customers);
    const seed = numberFlag(flags.seed, 'seed', DEMO_DEFAULTS.seed);
    await withStore(flags.db, async (store) => {
      const summaries = await loadDemo(store, { customers, seed, onProgress: (m) => process.stderr.write(`${m}\n`) });
      console.log(JSON.stringify(summaries));
    });
  },
});
