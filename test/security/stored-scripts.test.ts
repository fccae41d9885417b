import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../data/demo.ts';
import { Store } from '../../data/store.ts';
import { rebuildDerived } from '../../models/derived.ts';
import { TokenStore } from '../../server/auth.ts';
import { startServer, type RunningServer } from '../../server/start.ts';
import { fixture, type Fixture } from '../server/helpers.ts';
import { ensureBuild, launchBrowser } from '../web/harness.ts';
import { safeError } from './support.ts';

/** Markup that sets a flag if it ever runs, in every form a stored text could take. */
const IMG = `<img src=x onerror="window.__pwned='img'">`;
const SCRIPT = `<script>window.__pwned='script'</script>`;
const LINK = `[click](\u0001javascript:window.__pwned='link')`;
const HOSTILE = `${IMG}${SCRIPT}`;

/** What must hold in any document Tierlab shows: nothing ran, no handler attribute, no script link or element. */
async function inert(page: Page, where: string): Promise<void> {
  const found = await page.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: string }).__pwned ?? null,
    handlers: [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName}[${a.name}]`)),
    scripts: [...document.querySelectorAll('script')].filter((s) => !s.src).map((s) => s.textContent?.slice(0, 40)),
    links: [...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).protocol).filter((p) => !['http:', 'https:', 'mailto:', 'about:'].includes(p)),
    frames: document.querySelectorAll('iframe, object, embed').length,
  }));
  expect(found, where).toEqual({ pwned: null, handlers: [], scripts: [], links: [], frames: 0 });
}

describe('stored scripts are shown as text everywhere (API)', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture({ customers: 20 });
  });
  afterAll(() => f.close());

  it('refuses options nested 5,000 levels deep with a 400, not a 500', async () => {
    // Written as text: JSON.stringify itself gives up on an object this deep.
    const options = `${'{"a":'.repeat(5000)}{}${'}'.repeat(5000)}`;
    const body = `{"title":"deep","cells":[{"id":"v","kind":"view","options":${options}}]}`;
    const res = await f.call('PUT', '/api/notebooks/deep', { role: 'analyst', body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect((await safeError(res)).field).toBe('cells[0].options');
  });

  it('never hands the UI a stored notebook whose title is not text', async () => {
    mkdirSync(join(f.home, 'notebooks'), { recursive: true });
    writeFileSync(join(f.home, 'notebooks', 'odd.json'), JSON.stringify({ id: 'odd', title: { html: IMG }, cells: [], version: 1 }));
    const list = (await (await f.call('GET', '/api/notebooks', { role: 'analyst' })).json()) as { notebooks: { id: string; title: unknown; error?: string }[] };
    expect(list.notebooks.find((n) => n.id === 'odd')).toMatchObject({ title: 'odd', error: expect.stringContaining('title is not text') });
    for (const n of list.notebooks) expect(typeof n.title).toBe('string');
    expect((await f.call('GET', '/api/notebooks/odd', { role: 'analyst' })).status).toBe(422);
  });
});

describe('stored scripts are shown as text everywhere (the UI in Chromium, and the exported report)', () => {
  let home: string;
  let store: Store;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let token: string;

  beforeAll(async () => {
    ensureBuild();
    home = mkdtempSync(join(tmpdir(), 'tierlab-xss-'));
    store = await Store.open({ path: join(home, 'tierlab.duckdb') });
    await loadDemo(store, { customers: 80, seed: 5 });
    await rebuildDerived(store);
    token = new TokenStore(home).create('admin');
    [server, browser] = await Promise.all([startServer({ port: 0, store, home, log: () => {} }), launchBrowser()]);
    const upload = (kind: string, csv: string) =>
      fetch(`${server.url}/api/datasets/${kind}`, { method: 'POST', body: csv, headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' } });
    const quoted = (text: string) => `"${text.replaceAll('"', '""')}"`;
    // Every place a user's text is stored: a customer id, an attribute, a product, feedback.
    expect((await upload('transactions', `customer_id,order_id,timestamp,amount,product\n${quoted(HOSTILE)},XSS-1,2026-01-05T10:00:00Z,10.00,${quoted(HOSTILE)}\n`)).status).toBe(200);
    expect((await upload('customers', `customer_id,note\n${quoted(HOSTILE)},${quoted(HOSTILE)}\n`)).status).toBe(200);
    expect((await upload('feedback', `customer_id,timestamp,text\n${quoted(HOSTILE)},2026-01-06T10:00:00Z,${quoted(`${HOSTILE} ${LINK}`)}\n`)).status).toBe(200);
    const cells = [
      { id: 'md', kind: 'markdown', source: `# ${HOSTILE}\n\n${LINK} [tab](java\tscript:window.__pwned='tab') ${HOSTILE}` },
      { id: 'who', kind: 'input', name: 'who', value: HOSTILE },
      { id: 'sql', kind: 'sql', source: `SELECT customer_id, text AS "${IMG.replaceAll('"', "'")}" FROM feedback WHERE customer_id = :who` },
    ];
    const saved = await fetch(`${server.url}/api/notebooks/xss`, { method: 'PUT', body: JSON.stringify({ title: HOSTILE, cells }), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
    expect(saved.status).toBe(200);
    page = await browser.newPage({ acceptDownloads: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    store?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('shows the notebook, its cells, a result table and a customer profile as text', async () => {
    await page.goto(`${server.url}/#/n/xss&token=${token}`);
    await page.waitForSelector('.notebook[data-settled="true"]', { timeout: 60_000 });
    expect(await page.locator('[data-cell-id="sql"]').getAttribute('data-status')).toBe('done');
    expect(await page.locator('[data-cell-id="sql"] tbody').textContent()).toContain(IMG);
    expect(await page.locator('[data-cell-id="md"]').textContent()).toContain(SCRIPT);
    await inert(page, 'the notebook');
    await page.locator('[data-cell-id="sql"] tbody tr').first().click();
    await page.locator('aside.profile').waitFor();
    await page.waitForFunction(() => document.querySelector('aside.profile')?.textContent?.includes('onerror'));
    await inert(page, 'the customer profile');
    await page.keyboard.press('Escape');
    await page.locator('aside.profile').waitFor({ state: 'detached' });
  });

  it('exports a report in which nothing can run either, opened without the app\'s CSP', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export"]')]);
    const html = readFileSync((await download.path())!, 'utf8');
    expect(html).not.toMatch(/<script|<img|<a [^>]*href="[^"]*script:/i);
    const report = await browser.newPage();
    await report.setContent(html, { waitUntil: 'load' });
    await inert(report, 'the exported report');
    expect(await report.locator('body > h1').textContent()).toBe(HOSTILE);
    await report.close();
  });
});
