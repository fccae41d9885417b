import { parseKind, parseMapping } from '../../data/columns.ts';
import { TierlabError } from '../../data/errors.ts';
import { CUSTOMERS_MODES, type CustomersMode } from '../../data/ingest-options.ts';
import type { DatasetKind } from '../../data/columns.ts';
import type { LanguageSetting } from '../../data/text-language.ts';
import { tierlabHome } from '../../data/paths.ts';
import { versionTierRules } from '../../models/derived.ts';
import { Registry } from '../../models/registry/registry.ts';
import { ingestDataset } from '../../services/ingest.ts';
import { auditedCli } from '../cli-audit.ts';
import { callServer, fileBody, runningServer, type Remote } from '../remote.ts';
import { withStore } from '../store-flag.ts';
import { CLI_WORDING, defineCommand } from '../command.ts';

function parseMode(value: string | undefined): CustomersMode | undefined {
  if (value === undefined) return undefined;
  if (!(CUSTOMERS_MODES as readonly string[]).includes(value)) throw new TierlabError('bad_input', `--mode must be one of ${CUSTOMERS_MODES.join(', ')}, got "${value}"`, { field: 'mode' });
  return value as CustomersMode;
}

/** Prints the load's summary (exit 0), or a rejected file's summary and why (exit 3: nothing was loaded). */
async function reportIngest(load: () => Promise<unknown>): Promise<number> {
  try {
    console.log(JSON.stringify(await load()));
    return 0;
  } catch (error) {
    if (error instanceof TierlabError && error.code === 'unprocessable') {
      console.log(JSON.stringify(error.details));
      console.error(`tierlab: ${error.describe(CLI_WORDING)}`);
      return 3;
    }
    throw error;
  }
}

/** The file as an upload to the running server, which also rebuilds features and tiers. */
async function uploadToServer(server: Remote, kind: DatasetKind, file: string, query: Record<string, string | boolean | undefined>): Promise<unknown> {
  return (await callServer<{ summary: unknown }>(server, 'POST', `/api/datasets/${kind}`, { body: await fileBody(file), query })).summary;
}

export default defineCommand({
  summary: 'Load a transactions, customers or feedback file (CSV or Parquet) into the store',
  usage: `
tierlab ingest --kind transactions|customers|feedback --file PATH [options]

  --map source=field,...   map the file's own column names to Tierlab's (see README: canonical columns)
  --skip-bad-rows          load the good rows and report the bad ones (default: reject the whole file)
  --generate-ids           number the rows as customer ids (customers files without an id column)
  --timezone ZONE          IANA zone for timestamps written without an offset (default UTC)
  --mode upsert|replace    customers files: upsert (default) updates only the columns the file has and keeps
                           the rest; replace makes each customer in the file exactly its row
  --language auto|en|pt|zh feedback only: the language of its texts; auto (default) tells each text's by its script
  --db PATH                the DuckDB store (default: $TIERLAB_HOME/tierlab.duckdb)

Prints a JSON summary on stdout: {"kind","rows_read","rows_loaded","rows_rejected","customers","errors":[...]}.
A rejected file prints the same summary (rows_loaded 0), leaves the store as it was, and exits with code 3.
A loaded file rebuilds the features and tiers (with the active model version's tier rules), as an upload does.
While \`tierlab serve\` runs on the same $TIERLAB_HOME, the file is uploaded to it (POST /api/datasets/KIND).`,
  options: {
    kind: { type: 'string' },
    file: { type: 'string' },
    map: { type: 'string' },
    'skip-bad-rows': { type: 'boolean' },
    'generate-ids': { type: 'boolean' },
    timezone: { type: 'string' },
    mode: { type: 'string' },
    language: { type: 'string' },
    db: { type: 'string' },
  },
  async run(flags) {
    const kind = parseKind(flags.kind);
    if (!flags.file) throw new TierlabError('bad_input', '--file is required', { field: 'file' });
    const server = runningServer(flags.db);
    const home = tierlabHome();
    if (server) return reportIngest(() => uploadToServer(server, kind, flags.file!, { map: flags.map, skip_bad_rows: flags['skip-bad-rows'], generate_ids: flags['generate-ids'], timezone: flags.timezone, mode: parseMode(flags.mode), language: flags.language }));
    const registry = new Registry(home);
    return withStore(flags.db, (store) =>
      reportIngest(async () => {
        const loaded = await auditedCli(home, 'ingest', kind, () => ingestDataset(store, {
          kind,
          file: flags.file!,
          mapping: parseMapping(flags.map, kind),
          skipBadRows: flags['skip-bad-rows'],
          generateIds: flags['generate-ids'],
          timezone: flags.timezone,
          mode: parseMode(flags.mode),
          language: flags.language as LanguageSetting | undefined,
          tierRules: versionTierRules(registry, registry.active()),
          onProgress: (m) => process.stderr.write(`${m}\n`),
        }), (done) => `ok: ${done.summary.rows_loaded} rows`);
        if (loaded.tiers_built) process.stderr.write(`features and tiers rebuilt (as of ${loaded.features_as_of})\n`);
        return loaded.summary;
      }),
    );
  },
});
