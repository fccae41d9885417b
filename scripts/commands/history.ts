import { csvCell } from '../../data/csv-cell.ts';
import { badInput, TierlabError } from '../../data/errors.ts';
import { tierlabHome } from '../../data/paths.ts';
import { ACTION_CSV_COLUMNS, actionCells } from '../../models/churn/at-risk-csv.ts';
import { customerTierHistory, FLOW_COLUMNS, historyVersions, tierAlerts, tierFlow, type CompareOptions, type FlowColumn } from '../../models/history/index.ts';
import { nextBestActions, readPlaybook } from '../../models/playbooks/index.ts';
import { defineCommand, numberFlag } from '../command.ts';
import { callServer, runningServer, type Remote } from '../remote.ts';
import { withStore } from '../store-flag.ts';

/** The four reads, from the store or, while a server holds it, from the server's read endpoints. */
interface HistoryReads {
  versions(): ReturnType<typeof historyVersions>;
  flow(options: CompareOptions & { column: FlowColumn }): ReturnType<typeof tierFlow>;
  alerts(options: CompareOptions): ReturnType<typeof tierAlerts>;
  customer(id: string): ReturnType<typeof customerTierHistory>;
}

function serverReads(server: Remote): HistoryReads {
  const query = (o: CompareOptions) => ({ from_version: o.fromVersion?.toString(), to_version: o.toVersion?.toString(), since: o.since });
  return {
    versions: async () => (await callServer<{ versions: Awaited<ReturnType<typeof historyVersions>> }>(server, 'GET', '/api/history/versions')).versions,
    flow: (o) => callServer(server, 'GET', '/api/history/flow', { query: { ...query(o), column: o.column } }),
    alerts: (o) => callServer(server, 'GET', '/api/history/alerts', { query: query(o) }),
    customer: async (id) => {
      try {
        return (await callServer<{ history: Awaited<ReturnType<typeof customerTierHistory>> }>(server, 'GET', `/api/customers/${encodeURIComponent(id)}/history`)).history;
      } catch (error) {
        if (error instanceof TierlabError && error.code === 'not_found') return []; // as the store answers an unknown id
        throw error;
      }
    },
  };
}

async function withHistory(db: string | undefined, work: (reads: HistoryReads) => Promise<void>): Promise<void> {
  const server = runningServer(db);
  if (server) return work(serverReads(server));
  return withStore(db, (store) =>
    work({ versions: () => historyVersions(store), flow: (o) => tierFlow(store, o), alerts: (o) => tierAlerts(store, o), customer: (id) => customerTierHistory(store, id) }),
  );
}

const ALERT_COLUMNS = ['customer_id', 'kind', 'from', 'to', 'value_tier', 'lifecycle_stage', 'rfm_segment', 'cluster', 'risk_band', 'churn_probability'] as const;

export default defineCommand({
  summary: 'Tier history: versions, flows between tiers, alerts (dropped from VIP/Key, entered high risk), one customer',
  usage: `
tierlab history versions [--json]
tierlab history flow [--column value_tier|rfm_segment|lifecycle_stage|risk_band|cluster] [--from V | --since DATE] [--to V] [--json]
tierlab history alerts [--from V | --since DATE] [--to V] [--format text|csv|json]
tierlab history customer ID [--json]

Every retrain records each customer's value tier, RFM segment, lifecycle stage, risk band and cluster (table
tier_history). flow and alerts compare the newest version with the one before it (since the last run), or with
--from V, or with the version in force on --since DATE (UTC). While \`tierlab serve\` runs on the same
$TIERLAB_HOME, the reads go through its /api/history endpoints.`,
  options: { db: { type: 'string' }, json: { type: 'boolean' }, column: { type: 'string' }, from: { type: 'string' }, since: { type: 'string' }, to: { type: 'string' }, format: { type: 'string' } },
  positionals: true,
  async run(flags, [action = 'versions', arg]) {
    const compare: CompareOptions = {
      fromVersion: flags.from === undefined ? undefined : numberFlag(flags.from, 'from', 0),
      toVersion: flags.to === undefined ? undefined : numberFlag(flags.to, 'to', 0),
      since: flags.since,
    };
    await withHistory(flags.db, async (reads) => {
      switch (action) {
        case 'versions': {
          const versions = await reads.versions();
          if (flags.json) console.log(JSON.stringify(versions));
          else if (!versions.length) console.log('no versions recorded yet (tierlab retrain)');
          else for (const v of versions) console.log(`v${v.version}  recorded ${v.recorded_at}  as of ${v.as_of ?? '-'}  ${v.customers} customers`);
          return;
        }
        case 'flow': {
          const column = (flags.column ?? 'value_tier') as FlowColumn;
          if (!FLOW_COLUMNS.includes(column)) throw badInput(`--column must be one of ${FLOW_COLUMNS.join(', ')}`, { field: 'column' });
          const flow = await reads.flow({ ...compare, column });
          if (flags.json) return console.log(JSON.stringify(flow));
          console.log(`${column} from v${flow.from.version} to v${flow.to.version}: ${flow.moved} of ${flow.total} customers moved; ${flow.entered} new`);
          for (const c of flow.cells) if (c.from !== c.to) console.log(`  ${String(c.from).padEnd(20)} -> ${String(c.to).padEnd(20)} ${c.customers}`);
          return;
        }
        case 'alerts': {
          const format = flags.format ?? 'text';
          if (!['text', 'csv', 'json'].includes(format)) throw badInput(`--format must be text, csv or json, got "${format}"`, { field: 'format' });
          const result = await reads.alerts(compare);
          const nba = nextBestActions(readPlaybook(tierlabHome()).rules);
          if (format === 'json') return console.log(JSON.stringify({ ...result, alerts: result.alerts.map((a) => ({ ...a, next_best_action: nba(a) })) }));
          if (format === 'csv') {
            const header = [...ALERT_COLUMNS, ...ACTION_CSV_COLUMNS].join(',');
            return console.log([header, ...result.alerts.map((a) => [...ALERT_COLUMNS.map((k) => a[k]), ...actionCells(nba(a))].map(csvCell).join(','))].join('\n'));
          }
          console.log(`since v${result.from.version} (v${result.to.version} now): ${result.alerts.length} alerts`);
          for (const a of result.alerts) console.log(`  ${a.customer_id.padEnd(12)} ${a.kind === 'dropped_tier' ? 'dropped' : 'high risk'}  ${a.from ?? '-'} -> ${a.to ?? '-'}  risk ${a.churn_probability?.toFixed(3) ?? '-'}  next: ${nba(a)?.name ?? '-'}`);
          return;
        }
        case 'customer': {
          if (!arg) throw badInput('history customer needs a customer id', { field: 'id' });
          const rows = await reads.customer(arg);
          if (flags.json) return console.log(JSON.stringify(rows));
          if (!rows.length) return console.log(`no history for customer ${arg}`);
          for (const r of rows) console.log(`v${r.version}  ${r.recorded_at.slice(0, 10)}  ${r.value_tier ?? '-'} / ${r.rfm_segment ?? '-'} / ${r.lifecycle_stage ?? '-'} / risk ${r.risk_band ?? '-'} / cluster ${r.cluster ?? '-'}`);
          return;
        }
        default:
          throw badInput(`unknown action "${action}"; use versions, flow, alerts or customer`);
      }
    });
  },
});
