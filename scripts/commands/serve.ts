import { DEMO_DEFAULTS, loadDemo } from '../../data/demo.ts';
import { tierlabHome } from '../../data/paths.ts';
import { Store } from '../../data/store.ts';
import { retrain } from '../../models/registry/retrain.ts';
import { TierlabError } from '../../data/errors.ts';
import { TokenStore } from '../../server/auth.ts';
import { demoAdminToken } from '../../server/demo-token.ts';
import { startServer } from '../../server/start.ts';
import { writeWorkspace } from '../../server/routes/workspace.ts';
import type { Lang } from '../../data/lang.ts';
import { main } from '../cli.ts';
import { defineCommand, numberFlag } from '../command.ts';
import { runnerFor } from '../in-server.ts';
import { LANG_USAGE, langFlag } from '../lang-flag.ts';

/**
 * An empty store gets the demo data and a first model, so `--demo` shows every screen with something in it; in
 * Chinese (`--lang zh`, TIERLAB_LANG=zh) the demo's words are Chinese and the UI opens in 中文.
 */
async function prepareDemo(store: Store, home: string, lang: Lang): Promise<void> {
  if (lang === 'zh') writeWorkspace(home, { language: 'zh' });
  const row = await store.one<{ n: number }>('SELECT count(*) AS n FROM customers');
  if (row?.n) return;
  const say = (m: string) => process.stderr.write(`${m}\n`);
  say(`Loading ${DEMO_DEFAULTS.customers} demo customers${lang === 'zh' ? ' (in Chinese)' : ''}...`);
  await loadDemo(store, { onProgress: say, lang });
  say('Training the first model version (tiers, clusters, churn, sentiment, lifetime value)...');
  const run = await retrain({ home, store, onEvent: (e) => e.event === 'progress' && e.step && say(`  ${String(e.step)}`) });
  if (run.outcome === 'failed') throw new TierlabError('failed', `training the demo failed: ${run.reason}`);
}

export default defineCommand({
  summary: 'Serve the API and the UI',
  usage: `
tierlab serve [--port N] [--host H] [--db PATH] [--demo [--lang en|zh]]

  --port N    default 8787 (or PORT)
  --host H    default 127.0.0.1; another address needs a token first (tierlab token create --role admin)
  --db PATH   the DuckDB store (default: $TIERLAB_HOME/tierlab.duckdb)
  --demo      load demo data into an empty store, train, and print a URL with the local admin token
              (named local-admin, kept in $TIERLAB_HOME/local-admin-token and re-used on every start)
  ${LANG_USAGE.replace('the printed tables and names', 'the demo (Chinese product names and feedback, the UI in 中文)')}

Environment: TIERLAB_CORS_ORIGINS=https://a.example,https://b.example allows those browser origins.`,
  options: { port: { type: 'string' }, host: { type: 'string' }, db: { type: 'string' }, demo: { type: 'boolean' }, lang: { type: 'string' } },
  async run(flags) {
    const home = tierlabHome();
    const port = flags.port !== undefined ? numberFlag(flags.port, 'port', 8787) : undefined;
    const store = await Store.open({ path: flags.db, purpose: 'server' });
    if (flags.demo) await prepareDemo(store, home, langFlag(flags.lang));
    const token = flags.demo ? demoAdminToken(new TokenStore(home), home) : undefined;
    // Commands typed on this machine while it runs go through it (scripts/remote-command.ts).
    const server = await startServer({ port, host: flags.host, store, home, announce: true, commands: runnerFor(main) });
    const lines = [`Tierlab is serving on ${server.url} (API docs: ${server.url}/api/docs)`];
    if (token) {
      lines.push(`Open ${server.url}/#token=${token}`, 'More tokens: tierlab token create --role admin|analyst|retention');
    }
    process.stderr.write(`${lines.join('\n')}\n`);
    const stop = async () => {
      await server.close();
      store.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await new Promise(() => {});
  },
});
