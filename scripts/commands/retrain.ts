import { parseKind } from '../../data/columns.ts';
import { badInput } from '../../data/errors.ts';
import { tierlabHome } from '../../data/paths.ts';
import { ENGINE_NAMES, withEngine } from '../../models/engine/index.ts';
import { retrain, RETRAIN_DEFAULTS, type PromotePolicy, type RunRecord } from '../../models/registry/retrain.ts';
import { defineCommand, numberFlag } from '../command.ts';
import { auditedCli } from '../cli-audit.ts';
import { retrainThroughServer } from '../remote-retrain.ts';
import { runningServer } from '../remote.ts';
import { withStore } from '../store-flag.ts';

const POLICIES: PromotePolicy[] = ['auto', 'always', 'never'];

export default defineCommand({
  summary: 'Retrain tiers, segments, churn and CLV; promote the new version only when it is not worse',
  usage: `
tierlab retrain [--ingest KIND=PATH ...] [--promote auto|always|never] [--as-of DATE] [--horizon DAYS] [--engine duckdb|clickhouse] [--json] [--db PATH]

  --ingest KIND=PATH   load a file first (transactions=..., customers=..., feedback=...); repeatable; all-or-nothing
  --promote POLICY     auto (default): promote when the candidate's churn evaluation model (fitted on its
                       training split only) scores a ROC-AUC at most ${RETRAIN_DEFAULTS.aucTolerance} below the active
                       version's evaluation model on the candidate's held-out rows; always; never
  --tolerance X        the ROC-AUC tolerance for auto (default ${RETRAIN_DEFAULTS.aucTolerance})
  --engine NAME        where features, tiers and churn backtests are computed: ${ENGINE_NAMES.join(' or ')}
                       (default $TIERLAB_ENGINE, else duckdb); clickhouse reads the TIERLAB_CLICKHOUSE_* settings
                       (README: "Past one machine") and writes the promoted scores back to ClickHouse
  --json               print the run record as JSON on stdout (progress is JSON lines on stderr either way)

Exit codes: 0 finished (promoted or kept), 1 failed (the active version is untouched), 75 another run holds the lock.
While \`tierlab serve\` runs on the same $TIERLAB_HOME, the run is a job of that server (found through
$TIERLAB_HOME/server.json): the same flags but --engine, the same progress and exit codes, and the new version
is served without a restart.
Every run is recorded: tierlab runs. Every run (promoted, kept, failed, interrupted) POSTs a JSON message with a
Slack-compatible "text" field to $TIERLAB_WEBHOOK_URL when set; a webhook that fails is logged, never fails the run.`,
  options: {
    ingest: { type: 'string', multiple: true },
    promote: { type: 'string' },
    tolerance: { type: 'string' },
    'as-of': { type: 'string' },
    horizon: { type: 'string' },
    engine: { type: 'string' },
    json: { type: 'boolean' },
    db: { type: 'string' },
  },
  async run(flags) {
    const promote = (flags.promote ?? 'auto') as PromotePolicy;
    if (!POLICIES.includes(promote)) throw badInput(`--promote must be one of ${POLICIES.join(', ')}`, { field: 'promote' });
    const ingest = (flags.ingest ?? []).map((spec) => {
      const eq = spec.indexOf('=');
      if (eq < 0) throw badInput(`--ingest takes KIND=PATH, got "${spec}"`, { field: 'ingest' });
      return { kind: parseKind(spec.slice(0, eq)), file: spec.slice(eq + 1) };
    });
    const emit = (event: Record<string, unknown>) => process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
    const home = tierlabHome();
    const tolerance = numberFlag(flags.tolerance, 'tolerance', RETRAIN_DEFAULTS.aucTolerance);
    const horizonDays = flags.horizon ? numberFlag(flags.horizon, 'horizon', 90) : undefined;
    const report = (record: RunRecord) => {
      if (flags.json) console.log(JSON.stringify(record));
      else console.log(`${record.outcome}: ${record.reason}${record.version ? ` (version ${record.version})` : ''}`);
      return record.outcome === 'failed' ? 1 : 0;
    };
    const server = runningServer(flags.db);
    if (server) {
      if (flags.engine) throw badInput('--engine cannot be chosen while a server runs: the server trains with its own engine (TIERLAB_ENGINE where it was started)', { field: 'engine' });
      // The server audits the run under its local credential; the outcome is in tierlab runs either way.
      const settings = { promote, tolerance, ...(flags['as-of'] && { as_of: flags['as-of'] }), ...(horizonDays !== undefined && { horizon_days: horizonDays }) };
      return report(await retrainThroughServer(server, { ingest, settings, emit }));
    }
    return withStore(flags.db, (store) =>
      withEngine({ name: flags.engine, onProgress: (progress) => emit({ event: 'progress', ...progress }) }, async (engine) => {
        const record = await auditedCli(home, 'train', undefined, () => retrain({
          home,
          store,
          engine,
          ingest,
          promote,
          aucTolerance: tolerance,
          asOf: flags['as-of'],
          horizonDays,
          onEvent: emit,
        }), (run) => `${run.outcome}${run.version ? ` v${run.version}` : ''}`);
        return report(record);
      }),
    );
  },
});
