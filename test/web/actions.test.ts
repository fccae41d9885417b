import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPlaybook } from '../../models/playbooks/index.ts';
import { plantOutcomes } from '../campaigns/support.ts';
import { parseCsv } from '../data/support.ts';
import { ensureBuild, launchBrowser, startDemoServer, type DemoServer } from './harness.ts';

const OUT = 'test-output';

describe('from tiers to action in headless Chromium', () => {
  let demo: DemoServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    ensureBuild();
    [demo, browser] = await Promise.all([startDemoServer({ customers: 600, seed: 21 }), launchBrowser()]);
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
    await page.goto(demo.appUrl);
    await page.waitForSelector('.notebook[data-settled="true"]', { timeout: 60_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('edits the playbook and saves a new version', async () => {
    await page.goto(`${demo.server.url}/#/playbook`);
    const row = page.locator('[data-rule="vip-care"]');
    await row.waitFor();
    expect(await page.locator('[data-version]').getAttribute('data-version')).toBe('0');
    await row.locator('[data-field="name"]').fill('VIP concierge');
    await row.locator('[data-field="channel"]').selectOption('call');
    await page.click('[data-action="save-playbook"]');
    await expect.poll(() => page.locator('[data-saved]').textContent().catch(() => '')).toContain('Saved as version 1');
    const saved = readPlaybook(demo.home);
    expect(saved.version).toBe(1);
    expect(saved.rules.find((r) => r.id === 'vip-care')?.action).toMatchObject({ name: 'VIP concierge', channel: 'call' });
    // A field the server refuses is named, and nothing is saved.
    await row.locator('[data-field="service_level_days"]').fill('-3');
    await page.click('[data-action="save-playbook"]');
    await expect.poll(() => page.locator('[data-error]').textContent().catch(() => '')).toContain('rules[3].action.service_level_days');
    expect(readPlaybook(demo.home).version).toBe(1);
    await page.screenshot({ path: join(OUT, 'web-playbook-editor.png') });
  });

  it('shows a VIP customer\'s next best action from the edited playbook in the profile', async () => {
    await page.goto(`${demo.server.url}/#/retention`);
    const list = page.locator('.retention');
    await list.locator('tbody tr').first().waitFor();
    // Every value tier is offered, with its count, not only those on screen.
    const offered = await list.locator('select[data-filter="value_tier"] option').allTextContents();
    const tiers = await demo.server.store.all<{ value_tier: string; n: number }>('SELECT value_tier, count(*) AS n FROM customer_analytics GROUP BY 1');
    for (const t of tiers) expect(offered).toContain(`${t.value_tier} (${t.n.toLocaleString('en-US')})`);
    await list.locator('select[data-filter="value_tier"]').selectOption('VIP');
    const vips = tiers.find((t) => t.value_tier === 'VIP')!.n;
    await expect.poll(() => list.locator('[data-total]').getAttribute('data-total')).toBe(String(vips));
    const id = (await list.locator('tbody tr').first().locator('td').first().textContent())!.trim();
    await list.locator('tbody tr').first().click();
    const profile = page.locator('aside.profile');
    await profile.locator('[data-next-action]').waitFor();
    const [{ risk_band }] = await demo.server.store.all<{ risk_band: string }>('SELECT risk_band FROM customer_analytics WHERE customer_id = $1', [id]);
    const expected = risk_band === 'high' ? { rule: 'vip-win-back', name: 'Personal win-back call' } : { rule: 'vip-care', name: 'VIP concierge' };
    expect(await profile.locator('[data-next-action]').getAttribute('data-next-action')).toBe(expected.rule);
    expect(await profile.locator('.action-name').textContent()).toBe(expected.name);
    expect(await profile.locator('.tier-history tbody tr').count()).toBe(1);
    await page.screenshot({ path: join(OUT, 'web-profile-next-action.png') });
    await page.keyboard.press('Escape');
  });

  it('creates a campaign with a control group, exports it, and shows its results on generated outcomes', async () => {
    await page.goto(`${demo.server.url}/#/campaigns`);
    const form = page.locator('form.campaign-form');
    await form.locator('select[name="risk_band"]').waitFor();
    await form.locator('input[name="name"]').fill('Win back the high-risk');
    await form.locator('select[name="rule_id"]').selectOption('win-back');
    await form.locator('select[name="risk_band"]').selectOption('high');
    await form.locator('input[name="control_percent"]').fill('20');
    await form.locator('input[name="seed"]').fill('7');
    const [{ n }] = await demo.server.store.all<{ n: number }>(`SELECT count(*) AS n FROM customer_analytics WHERE risk_band = 'high'`);
    // Before anything is created, the form says whom the campaign would reach.
    await expect.poll(() => form.locator('[data-preview]').getAttribute('data-preview').catch(() => null)).toBe(String(n));
    await page.click('[data-action="create-campaign"]');
    const counts = page.locator('[data-counts]');
    await counts.waitFor();
    const control = Math.round(n * 0.2);
    expect(Number(await counts.getAttribute('data-control'))).toBe(control);
    expect(Number(await counts.getAttribute('data-treatment'))).toBe(n - control);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export-campaign"]')]);
    const [header, ...rows] = parseCsv(readFileSync((await download.path())!, 'utf8')).filter((r) => r.some(Boolean));
    expect(header.slice(0, 3)).toEqual(['customer_id', 'value_tier', 'rfm_segment']);
    expect(header).toContain('next_action');
    expect(rows).toHaveLength(n - control);
    expect(new Set(rows.map((r) => r[header.indexOf('next_action')]))).toEqual(new Set(['Win-back offer']));
    await expect.poll(() => page.locator('[data-export-note]').textContent()).toContain(`Downloaded ${(n - control).toLocaleString('en-US')} customers`);

    // The shop's next weeks, generated: treated customers come back far more often than the control group.
    const id = Number(await page.locator('[data-selected]').getAttribute('data-selected'));
    await plantOutcomes(demo.server.store, id, { buyTreatment: 0.6, buyControl: 0.1, amountTreatment: 80, amountControl: 40, seed: 4, withinDays: 60 });
    await page.locator(`[data-campaign-row="${id}"]`).click();
    const results = page.locator(`.campaign-results[data-campaign="${id}"]`);
    await results.waitFor();
    const repurchase = results.locator('tbody tr', { hasText: 'repurchase rate' });
    const api = (await (await fetch(`${demo.server.url}/api/campaigns/${id}/results`, { headers: { authorization: `Bearer ${demo.token}` } })).json()) as { repurchase: { difference: number; significant: boolean } };
    expect(api.repurchase.significant).toBe(true);
    expect(await repurchase.textContent()).toContain(`+${(api.repurchase.difference * 100).toFixed(1)} pts`);
    expect(await repurchase.textContent()).toContain('significant');
    expect(await repurchase.textContent()).not.toContain('not significant');
    await page.screenshot({ path: join(OUT, 'web-campaign-results.png'), fullPage: true });
  });

  it('pushes the treatment list to a webhook an admin added, and shows the newest campaign in the notebook view', async () => {
    const received: number[] = [];
    const hook: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push((JSON.parse(body) as { customers: unknown[] }).customers.length);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/crm`;
      const added = await fetch(`${demo.server.url}/api/destinations`, { method: 'POST', headers: { authorization: `Bearer ${demo.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'crm', url, batch_size: 25 }) });
      expect(added.status).toBe(201);
      await page.goto(`${demo.server.url}/#/campaigns`);
      await page.reload();
      const row = page.locator('[data-campaign-row]').first();
      await row.click();
      const treated = Number(await page.locator('[data-counts]').getAttribute('data-treatment'));
      await page.locator('select[data-action="push-campaign"]').selectOption('crm');
      await expect.poll(() => page.locator('[data-push-note]').textContent()).toContain(`Delivered ${treated.toLocaleString('en-US')} customers in ${Math.ceil(treated / 25)} batches`);
      expect(received.reduce((a, b) => a + b, 0)).toBe(treated);
    } finally {
      await new Promise((resolve) => hook.close(resolve));
    }

    await page.goto(`${demo.server.url}/#/n/tiers-to-action`);
    await page.waitForSelector('.notebook[data-settled="true"]', { timeout: 60_000 });
    const cell = page.locator('[data-cell-id="campaign"] .campaign-results');
    await cell.waitFor();
    expect(await cell.locator('tbody tr', { hasText: 'repurchase rate' }).textContent()).toContain('significant');
  });
});
