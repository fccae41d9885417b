import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../data/support.ts';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'scripts', 'tierlab.mjs');
const home = mkdtempSync(join(tmpdir(), 'tierlab-campaign-cli-'));

async function tierlab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, TIERLAB_HOME: home } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('tierlab playbook and campaign on the command line', () => {
  beforeAll(async () => {
    expect((await tierlab('demo', '--customers', '300', '--seed', '5')).code).toBe(0);
    expect((await tierlab('rfm')).code).toBe(0);
  }, 120_000);
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('shows the default playbook, changes a rule, imports a file and names a bad field', async () => {
    const shown = await tierlab('playbook', 'show');
    expect(shown.stdout).toContain('playbook version 0 (the default)');
    expect(shown.stdout.indexOf('vip-win-back')).toBeLessThan(shown.stdout.indexOf('vip-care'));
    expect((await tierlab('playbook', 'set', 'standard', '--channel', 'sms', '--offer', 'free delivery')).stdout).toContain('saved playbook version 1');
    const after = JSON.parse((await tierlab('playbook', 'show', '--json')).stdout) as { version: number; rules: { id: string; action: { channel: string; offer: string } }[] };
    expect(after.rules.find((r) => r.id === 'standard')?.action).toMatchObject({ channel: 'sms', offer: 'free delivery' });
    const bad = await tierlab('playbook', 'set', 'standard', '--channel', 'fax');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('rules[6].action.channel must be one of');
    const file = join(home, 'rules.json');
    writeFileSync(file, JSON.stringify({ rules: after.rules.filter((r) => r.id !== 'low-value') }));
    expect((await tierlab('playbook', 'import', file)).stdout).toContain('imported 7 rules as playbook version 2');
  });

  it('creates a campaign, exports the treatment list and reports results', async () => {
    const created = await tierlab('campaign', 'create', '--name', 'Standard nudge', '--action', 'standard', '--value-tier', 'Standard', '--control-percent', '20', '--seed', '9', '--json');
    expect(created.code, created.stderr).toBe(0);
    const campaign = JSON.parse(created.stdout) as { campaign_id: number; treatment_count: number; control_count: number; action: { channel: string } };
    expect(campaign.action.channel).toBe('sms');
    expect(campaign.control_count).toBe(Math.round((campaign.treatment_count + campaign.control_count) * 0.2));
    const out = join(home, 'nudge.csv');
    expect((await tierlab('campaign', 'export', String(campaign.campaign_id), '--out', out)).code).toBe(0);
    const [header, ...rows] = parseCsv(readFileSync(out, 'utf8')).filter((r) => r.some(Boolean));
    expect(header[0]).toBe('customer_id');
    expect(rows).toHaveLength(campaign.treatment_count);
    const results = JSON.parse((await tierlab('campaign', 'results', String(campaign.campaign_id), '--json')).stdout) as { repurchase: { treatment: { n: number } } };
    expect(results.repurchase.treatment.n).toBe(campaign.treatment_count);
    expect((await tierlab('campaign', 'list')).stdout).toContain('Standard nudge');
  });
});
