import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES, nextBestActions, parseRules, precedence, readPlaybook, savePlaybook, type Rule } from '../../models/playbooks/index.ts';
import { fixture, standInChurn, type Fixture } from '../server/helpers.ts';
import { parseCsv } from '../data/support.ts';

const action = { name: 'Call', channel: 'call', owner_role: 'care', offer: null, budget_per_customer: null, service_level_days: 2, note: '' } as const;
const rule = (id: string, dimension: Rule['dimension'], value: string | null, risk_band: string | null = null): Rule => ({ id, dimension, value, risk_band, action: { ...action, name: id } });

describe('next best action', () => {
  it('tries banded rules first, then value tier, lifecycle, segment, cluster, any, then file order', () => {
    const rules = [rule('any', 'any', null), rule('seg', 'rfm_segment', 'Lost'), rule('life', 'lifecycle_stage', 'lost'), rule('tier', 'value_tier', 'VIP'), rule('risky', 'any', null, 'high'), rule('tier2', 'value_tier', 'VIP')];
    expect(precedence(rules).map((r) => r.id)).toEqual(['risky', 'tier', 'tier2', 'life', 'seg', 'any']);
    const nba = nextBestActions(rules);
    expect(nba({ value_tier: 'VIP', risk_band: 'high' })?.rule_id).toBe('risky');
    expect(nba({ value_tier: 'VIP', risk_band: 'low' })?.rule_id).toBe('tier');
    expect(nba({ value_tier: 'Key', lifecycle_stage: 'lost', rfm_segment: 'Lost' })?.rule_id).toBe('life');
    expect(nba({ rfm_segment: 'Lost' })?.rule_id).toBe('seg');
    expect(nba({})?.rule_id).toBe('any');
    expect(nextBestActions([rule('c', 'cluster', 'Big spenders')])({ cluster: 3, cluster_name: 'Big spenders' })?.rule_id).toBe('c');
    expect(nextBestActions([rule('c', 'cluster', '3')])({ cluster: 3 })?.rule_id).toBe('c');
    expect(nextBestActions([rule('c', 'cluster', '3')])({ cluster: 4 })).toBeNull();
  });

  it('gives the default playbook\'s win-back by value first, then care by tier', () => {
    const nba = nextBestActions(DEFAULT_RULES);
    expect(nba({ value_tier: 'VIP', risk_band: 'high' })?.rule_id).toBe('vip-win-back');
    expect(nba({ value_tier: 'Standard', risk_band: 'high' })?.rule_id).toBe('win-back');
    expect(nba({ value_tier: 'VIP', risk_band: 'medium' })?.channel).toBe('account_manager');
    for (const tier of ['VIP', 'Key', 'Growth potential', 'Standard', 'Low value']) expect(nba({ value_tier: tier })).not.toBeNull();
  });

  it('names the rule and field at fault', () => {
    expect(() => parseRules([{ ...rule('a', 'value_tier', 'VIP'), action: { ...action, channel: 'fax' } }])).toThrow(/rules\[0\]\.action\.channel must be one of call, email/);
    expect(() => parseRules([rule('a', 'any', null), rule('a', 'any', null)])).toThrow(/rules\[1\]\.id "a" is already/);
    expect(() => parseRules([rule('a', 'value_tier', null)])).toThrow(/rules\[0\]\.value is required/);
    expect(() => parseRules([{ ...rule('a', 'any', null), action: { ...action, service_level_days: -1 } }])).toThrow(/service_level_days must be a number at least 0/);
    expect(() => parseRules([{ ...rule('a', 'any', null), colour: 'red' }])).toThrow(/unknown field "colour" in rules\[0\]/);
  });
});

describe('playbook versions', () => {
  const home = mkdtempSync(join(tmpdir(), 'tierlab-playbook-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('starts from the default, saves versions, refuses a stale base and keeps the old versions', () => {
    expect(readPlaybook(home)).toMatchObject({ version: 0, rules: DEFAULT_RULES });
    const first = savePlaybook(home, [rule('one', 'any', null)], 0);
    expect(first.version).toBe(1);
    expect(() => savePlaybook(home, [rule('two', 'any', null)], 0)).toThrow(/saved again since \(now version 1\)/);
    savePlaybook(home, [rule('two', 'any', null)], 1);
    expect(readPlaybook(home).rules.map((r) => r.id)).toEqual(['two']);
    expect(readPlaybook(home, 1).rules.map((r) => r.id)).toEqual(['one']);
    expect(() => savePlaybook(home, [{ id: 'BAD ID' }])).toThrow(/rules\[0\]\.id must be a slug/);
    expect(readPlaybook(home).version).toBe(2);
    writeFileSync(join(home, 'notebooks', 'playbook', 'v3.json'), '{not json');
    expect(() => readPlaybook(home)).toThrow(/playbook version 3 is stored but unreadable/);
  });
});

describe('playbook over the API', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ customers: 120 });
    await standInChurn(f.store, 200);
  });
  afterAll(() => f.close());

  it('lets analysts edit, not retention; the profile and the at-risk exports follow the new version', async () => {
    expect((await f.call('GET', '/api/playbook', { role: 'retention' })).status).toBe(200);
    const edited = [rule('everyone', 'any', null)];
    expect((await f.call('PUT', '/api/playbook', { role: 'retention', json: { rules: edited } })).status).toBe(403);
    const bad = await f.call('PUT', '/api/playbook', { role: 'analyst', json: { rules: [{ ...edited[0], dimension: 'colour' }] } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'rules[0].dimension' });
    const saved = await f.call('PUT', '/api/playbook', { role: 'analyst', json: { rules: edited, base_version: 0 } });
    expect(await saved.json()).toMatchObject({ version: 1 });
    expect((await f.call('PUT', '/api/playbook', { role: 'admin', json: { rules: edited, base_version: 0 } })).status).toBe(409);

    const [{ customer_id: id }] = await f.store.all<{ customer_id: string }>('SELECT customer_id FROM customer_analytics ORDER BY customer_id LIMIT 1');
    const profile = (await (await f.call('GET', `/api/customers/${id}`, { role: 'retention' })).json()) as { next_best_action: { rule_id: string } };
    expect(profile.next_best_action).toMatchObject({ rule_id: 'everyone', name: 'everyone', channel: 'call' });

    const list = (await (await f.call('GET', '/api/churn/at-risk?risk_band=high&limit=5', { role: 'retention' })).json()) as { total: number; items: { next_best_action: { rule_id: string } }[] };
    const [{ n }] = await f.store.all<{ n: number }>(`SELECT count(*) AS n FROM customer_analytics WHERE risk_band = 'high'`);
    expect(list.total).toBe(n);
    expect(list.items[0].next_best_action.rule_id).toBe('everyone');
    const csv = await f.call('GET', '/api/churn/at-risk?format=csv&risk_band=high', { role: 'retention' });
    expect(csv.headers.get('x-total-count')).toBe(String(n));
    const [header, ...rows] = parseCsv(await csv.text());
    expect(rows.length).toBe(n);
    expect(new Set(rows.map((r) => r[header.indexOf('next_action')]))).toEqual(new Set(['everyone']));
  });

  it('lists every value of each filter with its count', async () => {
    const { facets } = (await (await f.call('GET', '/api/customers/facets', { role: 'retention' })).json()) as { facets: Record<string, { value: string; customers: number }[]> };
    const [{ n }] = await f.store.all<{ n: number }>('SELECT count(DISTINCT rfm_segment) AS n FROM customer_analytics');
    expect(facets.rfm_segment.length).toBe(n);
    expect(facets.value_tier.reduce((s, v) => s + v.customers, 0)).toBe(120);
  });
});
