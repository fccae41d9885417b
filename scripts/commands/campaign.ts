import { createWriteStream } from 'node:fs';
import { badInput, notFound } from '../../data/errors.ts';
import { tierlabHome } from '../../data/paths.ts';
import {
  addDestination, campaignResults, createCampaign, deliveryLog, EXPORT_COLUMNS, exportCsvLine, FILTER_KEYS, getCampaign, listCampaigns, listDestinations,
  pushCampaign, removeDestination, TREATMENT_SQL, type Campaign, type CampaignFilter, type CampaignResults,
} from '../../models/campaigns/index.ts';
import { readPlaybook } from '../../models/playbooks/index.ts';
import { Registry } from '../../models/registry/registry.ts';
import { defineCommand, numberFlag } from '../command.ts';
import { withStore } from '../store-flag.ts';

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '-');
const money = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');

function describe(c: Campaign): string {
  const filter = Object.entries(c.filter).map(([k, v]) => `${k}=${v}`).join(' ') || 'every customer';
  return `#${c.campaign_id} ${c.name}: ${c.treatment_count} treated, ${c.control_count} in control (${c.control_percent}%, seed ${c.seed}); action ${c.action.name} (${c.rule_id}); ${filter}; from ${c.starts_at.slice(0, 10)} over ${c.horizon_days} days`;
}

function resultsText(r: CampaignResults): string {
  const sig = (yes: boolean) => (yes ? 'significant' : 'not significant');
  const level = `${Math.round(r.level * 100)}%`;
  return [
    describe(r.campaign),
    `window ${r.window.starts_at.slice(0, 10)} to ${r.window.ends_at.slice(0, 10)}; data until ${r.window.data_until?.slice(0, 10) ?? '-'}${r.window.horizon_complete ? '' : ' (horizon not over: figures so far)'}`,
    `repurchase rate  treatment ${pct(r.repurchase.treatment.rate)} [${pct(r.repurchase.treatment.interval[0])}, ${pct(r.repurchase.treatment.interval[1])}]  control ${pct(r.repurchase.control.rate)} [${pct(r.repurchase.control.interval[0])}, ${pct(r.repurchase.control.interval[1])}]  uplift ${pct(r.repurchase.difference)} (${level} CI ${pct(r.repurchase.interval[0])} to ${pct(r.repurchase.interval[1])}), p = ${r.repurchase.p_value.toFixed(4)}, ${sig(r.repurchase.significant)}`,
    `churn rate       treatment ${pct(r.churn.treatment.rate)}  control ${pct(r.churn.control.rate)}  difference ${pct(r.churn.difference)} (${pct(r.churn.interval[0])} to ${pct(r.churn.interval[1])}), p = ${r.churn.p_value.toFixed(4)}, ${sig(r.churn.significant)}`,
    `revenue/customer treatment ${money(r.revenue.treatment.mean)}  control ${money(r.revenue.control.mean)}  uplift ${money(r.revenue.difference)} (bootstrap ${level} CI ${money(r.revenue.interval[0])} to ${money(r.revenue.interval[1])}), ${sig(r.revenue.significant)}`,
  ].join('\n');
}

const id = (arg: string | undefined) => {
  const n = Number(arg);
  if (!Number.isSafeInteger(n) || n < 1) throw badInput(`a campaign number is required, got "${arg ?? ''}"`, { field: 'id' });
  return n;
};

export default defineCommand({
  summary: 'Campaigns: create from a filter and a playbook action with a control group, export, push, results',
  usage: `
tierlab campaign list [--json]
tierlab campaign show ID [--json]
tierlab campaign create --name TEXT --action RULE_ID [--value-tier T] [--rfm-segment S] [--lifecycle-stage L] [--risk-band B]
                        [--cluster C] [--min-risk P] [--max-risk P] [--control-percent N] [--seed S] [--horizon DAYS] [--starts DATE]
tierlab campaign export ID [--out FILE]          the treatment list as CSV (stdout by default)
tierlab campaign results ID [--json]
tierlab campaign push ID --destination NAME
tierlab campaign deliveries ID
tierlab campaign destinations [add NAME URL [--batch-size N] | remove NAME]

create freezes the members now (their tiers, risk and value) and holds out --control-percent (default 10) as a
control group that receives nothing, drawn by --seed (default random, recorded). Outcomes count from --starts
(default now) over --horizon days (default 90): repurchase rate, churn rate and revenue per customer, treatment
against control (two-proportion z-test; bootstrap interval for revenue).`,
  options: {
    db: { type: 'string' }, json: { type: 'boolean' }, name: { type: 'string' }, action: { type: 'string' },
    'value-tier': { type: 'string' }, 'rfm-segment': { type: 'string' }, 'lifecycle-stage': { type: 'string' }, 'risk-band': { type: 'string' },
    cluster: { type: 'string' }, 'min-risk': { type: 'string' }, 'max-risk': { type: 'string' }, 'control-percent': { type: 'string' },
    seed: { type: 'string' }, horizon: { type: 'string' }, starts: { type: 'string' }, out: { type: 'string' }, destination: { type: 'string' },
    'batch-size': { type: 'string' },
  },
  positionals: true,
  async run(flags, [action = 'list', ...args]) {
    const home = tierlabHome();
    // Creating and pushing write the campaign tables; the rest read them.
    const mode = action === 'create' || action === 'push' || (action === 'destinations' && args.length > 0) ? 'write' : 'read';
    return withStore(flags.db, async (store): Promise<number | void> => {
      switch (action) {
        case 'list': {
          const campaigns = await listCampaigns(store);
          if (flags.json) console.log(JSON.stringify(campaigns));
          else if (!campaigns.length) console.log('no campaigns yet (tierlab campaign create)');
          else for (const c of campaigns) console.log(describe(c));
          return;
        }
        case 'show': {
          const campaign = await getCampaign(store, id(args[0]));
          if (!campaign) throw notFound(`campaign ${args[0]} does not exist`, { field: 'id' });
          console.log(flags.json ? JSON.stringify(campaign) : describe(campaign));
          return;
        }
        case 'create': {
          if (!flags.name || !flags.action) throw badInput('campaign create needs --name and --action RULE_ID (tierlab playbook show lists the rules)', { field: flags.name ? 'action' : 'name' });
          const filter: CampaignFilter = {};
          for (const key of FILTER_KEYS) {
            const value = flags[key.replaceAll('_', '-') as 'value-tier'];
            if (value === undefined) continue;
            (filter as Record<string, unknown>)[key] = key.endsWith('_risk') ? numberFlag(value, key.replace('_', '-'), 0) : value;
          }
          const campaign = await createCampaign(store, {
            name: flags.name, ruleId: flags.action, filter, playbook: readPlaybook(home),
            controlPercent: flags['control-percent'] === undefined ? undefined : numberFlag(flags['control-percent'], 'control-percent', 0),
            seed: flags.seed === undefined ? undefined : numberFlag(flags.seed, 'seed', 0),
            horizonDays: flags.horizon === undefined ? undefined : numberFlag(flags.horizon, 'horizon', 0),
            startsAt: flags.starts,
            modelVersion: new Registry(home).active(),
          });
          console.log(flags.json ? JSON.stringify(campaign) : describe(campaign));
          return;
        }
        case 'export': {
          const campaign = await getCampaign(store, id(args[0]));
          if (!campaign) throw notFound(`campaign ${args[0]} does not exist`, { field: 'id' });
          const out = flags.out ? createWriteStream(flags.out) : process.stdout;
          const write = (text: string) => new Promise<void>((resolve, reject) => (out.write(text, (e) => (e ? reject(e) : resolve()))));
          await write(`${EXPORT_COLUMNS.join(',')}\n`);
          const result = await store.connection.stream(TREATMENT_SQL, { id: campaign.campaign_id });
          for await (const rows of result.yieldRowObjectJs()) if (rows.length) await write(`${rows.map((r) => exportCsvLine(r as Record<string, unknown>, campaign.action)).join('\n')}\n`);
          if (flags.out) {
            await new Promise<void>((resolve) => out.end(resolve));
            console.error(`wrote ${campaign.treatment_count} customers to ${flags.out}`);
          }
          return;
        }
        case 'results': {
          const results = await campaignResults(store, id(args[0]));
          console.log(flags.json ? JSON.stringify(results) : resultsText(results));
          return;
        }
        case 'push': {
          if (!flags.destination) throw badInput('campaign push needs --destination NAME', { field: 'destination' });
          const result = await pushCampaign(store, { campaignId: id(args[0]), destination: flags.destination });
          console.log(JSON.stringify(result));
          return result.outcome === 'delivered' ? 0 : 1;
        }
        case 'deliveries':
          console.log(JSON.stringify(await deliveryLog(store, id(args[0]))));
          return;
        case 'destinations': {
          const [sub, name, url] = args;
          if (sub === 'add') console.log(JSON.stringify(await addDestination(store, { name, url, batchSize: flags['batch-size'] === undefined ? undefined : numberFlag(flags['batch-size'], 'batch-size', 0) })));
          else if (sub === 'remove') await removeDestination(store, name);
          else if (sub === undefined) console.log(JSON.stringify(await listDestinations(store)));
          else throw badInput(`unknown destinations action "${sub}"; use add or remove`);
          return;
        }
        default:
          throw badInput(`unknown action "${action}"; use list, show, create, export, results, push, deliveries or destinations`);
      }
    }, mode);
  },
});
