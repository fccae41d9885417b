import { readFileSync } from 'node:fs';
import { badInput } from '../../data/errors.ts';
import { tierlabHome } from '../../data/paths.ts';
import { precedence, readPlaybook, savePlaybook, type Playbook, type Rule } from '../../models/playbooks/index.ts';
import { defineCommand, numberFlag } from '../command.ts';

function describe(playbook: Playbook): string {
  const lines = [`playbook version ${playbook.version}${playbook.version === 0 ? ' (the default)' : `, saved ${playbook.updated_at}`}; rules in the order they are tried:`];
  for (const r of precedence(playbook.rules)) {
    const when = `${r.dimension === 'any' ? 'any customer' : `${r.dimension} = ${r.value}`}${r.risk_band ? ` and risk band ${r.risk_band}` : ''}`;
    const a = r.action;
    const money = a.budget_per_customer === null ? '' : `, budget ${a.budget_per_customer}`;
    lines.push(`  ${r.id.padEnd(16)} ${when.padEnd(40)} -> ${a.name} (${a.channel}, ${a.owner_role}, within ${a.service_level_days} d${a.offer ? `, offer: ${a.offer}` : ''}${money})`);
  }
  return lines.join('\n');
}

/** Every rule of `rules`, with `id` changed (or added) by the flags given. */
function setRule(rules: Rule[], id: string, flags: Record<string, string | boolean | undefined>): unknown[] {
  const old = rules.find((r) => r.id === id);
  const action: Record<string, unknown> = { ...old?.action };
  const fields: [flag: string, key: string, kind: 'text' | 'number'][] = [
    ['name', 'name', 'text'], ['channel', 'channel', 'text'], ['owner', 'owner_role', 'text'], ['offer', 'offer', 'text'],
    ['budget', 'budget_per_customer', 'number'], ['service-days', 'service_level_days', 'number'], ['note', 'note', 'text'],
  ];
  for (const [flag, key, kind] of fields) {
    const value = flags[flag];
    if (typeof value !== 'string') continue;
    action[key] = value === '' && (key === 'offer' || key === 'budget_per_customer') ? null : kind === 'number' ? numberFlag(value, flag, 0) : value;
  }
  const rule = {
    id,
    dimension: flags.dimension ?? old?.dimension,
    value: flags.value ?? old?.value ?? null,
    risk_band: typeof flags['risk-band'] === 'string' ? flags['risk-band'] || null : (old?.risk_band ?? null),
    action,
  };
  return old ? rules.map((r) => (r.id === id ? rule : r)) : [...rules, rule];
}

export default defineCommand({
  summary: 'The playbook (tier and risk band to action): show, set a rule, import a file',
  usage: `
tierlab playbook show [--version N] [--json]
tierlab playbook set RULE_ID [--dimension value_tier|lifecycle_stage|rfm_segment|cluster|any] [--value V] [--risk-band B]
                     [--name TEXT] [--channel call|email|sms|in_app|account_manager|none] [--owner TEXT] [--offer TEXT]
                     [--budget N] [--service-days N] [--note TEXT]
tierlab playbook import FILE      a JSON file: {"rules": [...]} or the list of rules itself

Each save is a new version (under the runtime folder's notebooks/playbook/); a running server uses it from the
next request. Rules are tried with a risk band first (the at-risk override), then by dimension (value tier,
lifecycle stage, RFM segment, cluster, any), then in file order; the first match is the next best action.
set changes the flags given on an existing rule, or adds a rule (then --dimension, --name, --channel, --owner and
--service-days are needed). An empty --offer, --budget or --risk-band clears it.`,
  options: {
    json: { type: 'boolean' },
    version: { type: 'string' },
    dimension: { type: 'string' },
    value: { type: 'string' },
    'risk-band': { type: 'string' },
    name: { type: 'string' },
    channel: { type: 'string' },
    owner: { type: 'string' },
    offer: { type: 'string' },
    budget: { type: 'string' },
    'service-days': { type: 'string' },
    note: { type: 'string' },
  },
  positionals: true,
  async run(flags, [action = 'show', arg]) {
    const home = tierlabHome();
    switch (action) {
      case 'show': {
        const playbook = readPlaybook(home, flags.version === undefined ? undefined : numberFlag(flags.version, 'version', 0));
        console.log(flags.json ? JSON.stringify(playbook) : describe(playbook));
        return;
      }
      case 'set': {
        if (!arg) throw badInput('playbook set needs a rule id (tierlab playbook show lists them)', { field: 'rule' });
        const current = readPlaybook(home);
        const saved = savePlaybook(home, setRule(current.rules, arg, flags), current.version);
        console.log(`saved playbook version ${saved.version}`);
        return;
      }
      case 'import': {
        if (!arg) throw badInput('playbook import needs a JSON file', { field: 'file' });
        let parsed: unknown;
        try {
          parsed = JSON.parse(readFileSync(arg, 'utf8'));
        } catch (error) {
          throw badInput(`cannot read ${arg} as JSON: ${(error as Error).message}`, { file: arg });
        }
        const rules = Array.isArray(parsed) ? parsed : (parsed as { rules?: unknown })?.rules;
        const saved = savePlaybook(home, rules);
        console.log(`imported ${saved.rules.length} rules as playbook version ${saved.version}`);
        return;
      }
      default:
        throw badInput(`unknown action "${action}"; use show, set or import`);
    }
  },
});
