import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuild, launchBrowser, startDemoServer, type DemoServer } from './harness.ts';
import { parseCsv } from '../data/support.ts';
import { TokenStore } from '../../server/auth.ts';
import clustersVsRfm from '../../web/src/notebook/defaults/clusters-vs-rfm-tiers.json';
import retention from '../../web/src/notebook/defaults/retention-at-risk.json';

const OUT = 'test-output';

/** Replaces a SQL cell's text in its editor (CodeMirror, once loaded) and runs it with Shift+Enter. */
async function runSql(cell: Locator, sql: string): Promise<void> {
  const editor = cell.locator('[data-editor="codemirror"] .cm-content');
  await editor.fill(sql);
  await editor.press('Shift+Enter');
}

/** Waits until every cell of the open notebook has finished (done, empty or error). */
async function settled(page: Page): Promise<void> {
  await page.waitForSelector('.notebook[data-settled="true"]', { timeout: 60_000 });
}

describe('notebook UI in headless Chromium', () => {
  let demo: DemoServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    ensureBuild();
    [demo, browser] = await Promise.all([startDemoServer({ customers: 800 }), launchBrowser()]);
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('opens on the default notebook, which runs without errors', async () => {
    await page.goto(demo.appUrl);
    await settled(page);
    expect(await page.locator('.notebook-list .entry').allTextContents()).toEqual(expect.arrayContaining(['Clusters vs RFM tiers', 'Retention: at-risk customers']));
    expect(await page.inputValue('.notebook-title')).toBe('Clusters vs RFM tiers');
    const statuses = await page.locator('[data-cell-id]').evaluateAll((cells) => cells.map((c) => `${c.getAttribute('data-cell-id')}:${c.getAttribute('data-status')}`));
    expect(statuses.length).toBeGreaterThan(5);
    expect(statuses.filter((s) => !s.endsWith(':done'))).toEqual([]);
    // Charts are SVG drawn by Plot: the profile heatmap, the k curves, the map and the SQL heatmap.
    expect(await page.locator('[data-cell-id] svg[class^="plot"]').count()).toBeGreaterThan(4);
    await page.setViewportSize({ width: 1440, height: 3400 });
    await page.screenshot({ path: join(OUT, 'web-default-notebook.png') });
    await page.setViewportSize({ width: 1440, height: 1000 });
  });

  it('opens a customer profile from a point of the customer map', async () => {
    // The dots are drawn as paths (two arcs a dot, `M left,y a r,r ...`): aim at the centre of the first one.
    const chart = page.locator('[data-cell-id="map"] svg[class^="plot"]:has([aria-label="dot"])');
    await chart.scrollIntoViewIfNeeded();
    const d = (await chart.locator('[aria-label="dot"] path').first().getAttribute('d'))!;
    const [, left, y, r] = /^M([\d.-]+),([\d.-]+)a([\d.]+)/.exec(d)!.map(Number);
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + left + r, box.y + y);
    await page.mouse.click(box.x + left + r, box.y + y);
    const profile = page.locator('aside.profile');
    await profile.locator('.chips').waitFor();
    const id = await profile.getAttribute('data-customer-id');
    expect((await demo.server.store.all('SELECT 1 FROM customers WHERE customer_id = ?', [id!])).length).toBe(1);
    await page.keyboard.press('Escape');
    await profile.waitFor({ state: 'detached' });
  });

  it('adds a SQL cell, runs it with Shift+Enter, charts it, and keeps it after a reload', async () => {
    const expected = (await demo.server.store.all('SELECT rfm_segment FROM customer_analytics GROUP BY 1')).length;
    const before = await page.locator('[data-cell-id]').count();
    await page.click('[data-add="sql"]');
    const cell = page.locator('[data-cell-id]').nth(before);
    await runSql(cell, 'SELECT rfm_segment, count(*) AS customers\nFROM customer_analytics\nGROUP BY 1\nORDER BY 2 DESC');
    await cell.locator('[data-row-count]').waitFor();
    await expect.poll(() => cell.getAttribute('data-status')).toBe('done');
    expect(Number(await cell.locator('[data-row-count]').getAttribute('data-row-count'))).toBe(expected);
    expect(await cell.locator('tbody tr').count()).toBe(expected);
    await cell.locator('[data-chart="bar"]').click();
    await expect.poll(() => cell.locator('svg[class^="plot"] [aria-label="bar"] rect').count()).toBe(expected);
    // Autosave: the server's copy gets the new cell with its chart, so a reload shows the same notebook.
    const saved = () => fetch(`${demo.server.url}/api/notebooks/clusters-vs-rfm-tiers`, { headers: { authorization: `Bearer ${demo.token}` } }).then((r) => r.json());
    await expect.poll(async () => (await saved()).cells[before]?.options?.chart?.type, { timeout: 10_000 }).toBe('bar');
    await page.reload();
    await settled(page);
    expect(await page.locator('[data-cell-id]').count()).toBe(before + 1);
    await expect.poll(() => page.locator('[data-cell-id]').nth(before).locator('svg[class^="plot"] [aria-label="bar"] rect').count()).toBe(expected);
  });

  it('opens a customer profile from the at-risk table and downloads the at-risk CSV', async () => {
    await page.locator('.notebook-list .entry', { hasText: 'Retention: at-risk customers' }).click();
    await page.waitForFunction(() => (document.querySelector('.notebook-title') as HTMLInputElement | null)?.value.startsWith('Retention'));
    await settled(page);
    const statuses = await page.locator('[data-cell-id]').evaluateAll((cells) => cells.map((c) => `${c.getAttribute('data-cell-id')}:${c.getAttribute('data-status')}`));
    expect(statuses.filter((s) => !s.endsWith(':done'))).toEqual([]);
    await page.setViewportSize({ width: 1440, height: 3000 });
    await page.screenshot({ path: join(OUT, 'web-retention-notebook.png') });
    await page.setViewportSize({ width: 1440, height: 1000 });

    const atRisk = page.locator('[data-cell-id="at-risk"]');
    const rows = Number(await atRisk.locator('[data-count]').getAttribute('data-count'));
    const total = Number(await atRisk.locator('[data-total]').getAttribute('data-total'));
    expect(rows).toBeGreaterThan(0);
    expect(total).toBeGreaterThanOrEqual(rows);
    const firstId = (await atRisk.locator('tbody tr').first().locator('td').first().textContent())!.trim();
    await atRisk.locator('tbody tr').first().click();
    const profile = page.locator('aside.profile');
    await profile.locator('.risk').waitFor();
    expect(await profile.getAttribute('data-customer-id')).toBe(firstId);
    expect(await profile.locator('h2').textContent()).toBe(firstId);
    expect(await profile.locator('.reasons li').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(OUT, 'web-customer-profile.png') });
    await page.keyboard.press('Escape');
    await profile.waitFor({ state: 'detached' });

    const [download] = await Promise.all([page.waitForEvent('download'), atRisk.locator('[data-action="download-csv"]').click()]);
    expect(download.suggestedFilename()).toBe('at-risk.csv');
    const records = parseCsv(readFileSync((await download.path())!, 'utf8')).filter((r) => r.some(Boolean));
    // The CLI's columns, the next best action included, and every filtered row (not only those on screen).
    expect(records[0].join(',')).toBe('customer_id,churn_probability,risk_band,value_at_risk,expected_value_source,rfm_segment,value_tier,cluster,reasons,next_action,action_channel,action_owner,action_offer,action_budget,action_service_days');
    expect(records.length - 1).toBe(total);
    expect(await atRisk.locator('[data-download-note]').textContent()).toContain(`Downloaded ${total.toLocaleString('en-US')} customers`);
    expect(records[1][0]).toBe(firstId);
  });

  it('re-runs only the cells that use an input when it changes', async () => {
    const asked: URL[] = [];
    const listen = (request: { url(): string }) => asked.push(new URL(request.url()));
    page.on('request', listen);
    await page.locator('[data-cell-id="threshold"] input[type="range"]').evaluate((input: HTMLInputElement) => {
      input.value = '0.8';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await expect.poll(() => asked.some((u) => u.pathname === '/api/churn/at-risk' && u.searchParams.get('min_risk') === '0.8')).toBe(true);
    await settled(page);
    page.off('request', listen);
    const paths = new Set(asked.map((u) => u.pathname));
    expect(paths.has('/api/sql')).toBe(true);
    for (const untouched of ['/api/churn/evaluation', '/api/models', '/api/clusters']) expect(paths.has(untouched)).toBe(false);
    const risks = await page.locator('[data-cell-id="at-risk"] tbody tr td:nth-child(2)').allTextContents();
    expect(risks.length).toBeGreaterThan(0);
    expect(Math.min(...risks.map((r) => parseFloat(r)))).toBeGreaterThanOrEqual(80);
  });

  it('exports the notebook as a standalone HTML report with tables and inline SVG charts', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export"]')]);
    const html = readFileSync((await download.path())!, 'utf8');
    expect(download.suggestedFilename()).toBe('retention-at-risk.html');
    expect(html).toContain('<h1>Retention: at-risk customers</h1>');
    expect(html).not.toContain('<script');
    expect(html.match(/<svg[^>]*class="plot/g)?.length).toBeGreaterThan(2);
    expect(html).toContain('<table');
    expect(html).toContain('WHERE ch.churn_probability &gt;= $threshold');
  });

  it('shows row errors of a rejected upload, then retrains with live progress', async () => {
    await page.goto(`${demo.server.url}/#/admin`);
    await page.locator('.upload select').first().selectOption('feedback');
    const csv = 'cust,when,comment\nC000001,2026-01-02T10:00:00Z,Great coffee\nC000002,not a date,Bad\n';
    await page.setInputFiles('input[type="file"]', { name: 'feedback.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const mapping = page.locator('.mapping select');
    await mapping.nth(0).selectOption('cust');
    await mapping.nth(1).selectOption('when');
    await mapping.nth(2).selectOption('comment');
    await page.click('button:text("Upload")');
    await page.locator('.error-text:text("Rejected")').waitFor();
    const errors = page.locator('.upload .row-errors tbody');
    expect(await errors.locator('tr').count()).toBe(1);
    expect(await errors.textContent()).toMatch(/when|timestamp/);
    // And counted by problem, the whole picture when the row list is capped.
    expect(await page.locator('.upload .problems tbody').textContent()).toMatch(/when.*not a date or date-time.*1/);

    await page.click('[data-action="train"]');
    await page.locator('.train .status.succeeded').waitFor({ timeout: 90_000 });
    expect(await page.locator('.train .log').textContent()).not.toBe('');
    // Progress weighted by stage cost ends at 100%, with the elapsed seconds.
    expect(await page.locator('.train [data-progress]').textContent()).toMatch(/100% · \d+ s/);
    await expect.poll(() => page.locator('.version-table tbody tr').count(), { timeout: 30_000 }).toBe(2);
    await page.screenshot({ path: join(OUT, 'web-admin.png'), fullPage: true });
  });

  it('creates a token in the admin panel (its secret shown once), lists it without the secret, and revokes it', async () => {
    await page.goto(`${demo.server.url}/#/admin`);
    await page.fill('input[name="name"]', 'panel-bi');
    await page.fill('input[name="expires"]', '30d');
    await page.click('[data-action="create-token"]');
    const secret = (await page.locator('[data-created-token] code').textContent())!;
    expect(secret).toMatch(/^tl_/);
    const row = page.locator('tr[data-token="panel-bi"]');
    await row.waitFor();
    expect(await row.textContent()).toMatch(/analyst.*never.*\d{4}-\d{2}-\d{2}/);
    expect(await page.locator('table.tokens').textContent()).not.toContain(secret);
    const asBi = () => fetch(`${demo.server.url}/api/me`, { headers: { authorization: `Bearer ${secret}` } }).then((r) => r.status);
    expect(await asBi()).toBe(200);
    page.once('dialog', (dialog) => dialog.accept());
    await row.locator('[data-action="revoke-token"]').click();
    await row.waitFor({ state: 'detached' });
    expect(await asBi()).toBe(401);
  });

  it('shows each cell its own loading state and error: a slow and a failing query leave a good cell alone', async () => {
    const cells = [
      { id: 'good', kind: 'sql', source: 'SELECT rfm_segment, count(*) AS customers FROM customer_rfm GROUP BY 1' },
      { id: 'failing', kind: 'sql', source: 'SELECT * FROM no_such_table' },
      // The marker comment lets the route below hold this query, as a slow server would.
      { id: 'slow', kind: 'sql', source: '-- held\nSELECT count(*) AS customers FROM customer_rfm' },
    ];
    const put = await fetch(`${demo.server.url}/api/notebooks/cell-states`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${demo.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Cell states', cells }),
    });
    expect(put.status).toBe(200);
    const expected = (await demo.server.store.all('SELECT rfm_segment FROM customer_rfm GROUP BY 1')).length;

    const visitor = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await visitor.route('**/api/sql', async (route) => {
      if (route.request().postData()?.includes('-- held')) await released;
      await route.continue();
    });
    try {
      await visitor.goto(`${demo.server.url}/#/n/cell-states&token=${demo.token}`);
      const good = visitor.locator('[data-cell-id="good"]');
      const failing = visitor.locator('[data-cell-id="failing"]');
      const slow = visitor.locator('[data-cell-id="slow"]');
      // While the slow query is out: it shows its spinner, the others have finished on their own.
      await expect.poll(() => good.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
      await expect.poll(() => failing.getAttribute('data-status')).toBe('error');
      expect(await slow.getAttribute('data-status')).toBe('running');
      expect(await slow.getAttribute('aria-busy')).toBe('true');
      expect(await slow.locator('.spinner').count()).toBe(1);
      expect(await visitor.locator('.notebook').getAttribute('data-settled')).toBe('false');
      expect(Number(await good.locator('[data-row-count]').getAttribute('data-row-count'))).toBe(expected);
      expect(await good.locator('tbody tr').count()).toBe(expected);
      expect(await failing.locator('[role="alert"]').textContent()).toContain('no_such_table');
      expect(await failing.locator('tbody tr').count()).toBe(0);
      await visitor.screenshot({ path: join(OUT, 'web-cell-states.png'), fullPage: true });

      release();
      await settled(visitor);
      expect(await slow.getAttribute('data-status')).toBe('done');
      expect(await slow.locator('.spinner').count()).toBe(0);
      const total = (await demo.server.store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM customer_rfm'))!.n;
      expect(await slow.locator('tbody td').first().textContent()).toBe(total.toLocaleString('en-US'));
      expect(await failing.getAttribute('data-status')).toBe('error');
      expect(await good.locator('tbody tr').count()).toBe(expected);

      // Fixing the failing cell clears its error; the good cell is not asked again.
      let asked = 0;
      visitor.on('request', (request) => void (request.url().endsWith('/api/sql') && asked++));
      await runSql(failing, 'SELECT 41 + 1 AS answer');
      await expect.poll(() => failing.getAttribute('data-status')).toBe('done');
      expect(await failing.locator('[role="alert"]').count()).toBe(0);
      expect(await failing.locator('tbody td').first().textContent()).toBe('42');
      expect(asked).toBe(1);
    } finally {
      await visitor.close();
    }
  });

  it('says so when someone else saved the notebook in between, and lets the user keep theirs or load the other', async () => {
    const api = (method: string, body?: unknown) =>
      fetch(`${demo.server.url}/api/notebooks/shared-edit`, {
        method,
        headers: { authorization: `Bearer ${demo.token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { title: string; version: number } }));
    const cells = [{ id: 'note', kind: 'markdown', source: 'Edited by two people.' }];
    expect((await api('PUT', { title: 'Shared', cells, base_version: 0 })).status).toBe(200);

    const visitor = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    try {
      await visitor.goto(`${demo.server.url}/#/n/shared-edit&token=${demo.token}`);
      await settled(visitor);
      const title = visitor.locator('.notebook-title');
      const saveState = visitor.locator('.save-state');
      expect(await title.inputValue()).toBe('Shared');

      // Another browser saves first; the edit made here is then refused, and the page says so.
      expect((await api('PUT', { title: 'Renamed elsewhere', cells, base_version: 1 })).status).toBe(200);
      await title.fill('Renamed here');
      await visitor.locator('[data-conflict]').waitFor({ timeout: 10_000 });
      expect(await saveState.textContent()).toBe('Changed elsewhere');
      expect(await visitor.locator('[data-conflict]').textContent()).toContain('Renamed elsewhere');
      expect((await api('GET')).body.title).toBe('Renamed elsewhere');
      await visitor.screenshot({ path: join(OUT, 'web-save-conflict.png') });

      // Keep mine: saved over the other version on purpose.
      await visitor.click('[data-action="keep-mine"]');
      await expect.poll(async () => (await api('GET')).body.title).toBe('Renamed here');
      await expect.poll(() => saveState.textContent()).toBe('Saved');
      expect(await visitor.locator('[data-conflict]').count()).toBe(0);

      // Load theirs: the other save replaces the edit made here, and later edits save normally again.
      const stored = (await api('GET')).body;
      expect((await api('PUT', { title: 'Third', cells, base_version: stored.version })).status).toBe(200);
      await title.fill('Lost edit');
      await visitor.locator('[data-conflict]').waitFor({ timeout: 10_000 });
      await visitor.click('[data-action="load-theirs"]');
      await expect.poll(() => title.inputValue()).toBe('Third');
      expect(await saveState.textContent()).toBe('Saved');
      expect((await api('GET')).body.title).toBe('Third');
      await title.fill('Fourth');
      await expect.poll(async () => (await api('GET')).body.title).toBe('Fourth');
      expect(await visitor.locator('[data-conflict]').count()).toBe(0);
    } finally {
      await visitor.close();
    }
  });

  it('gives the retention role an at-risk page, with profiles, and no notebooks or admin controls', async () => {
    const token = new TokenStore(demo.home).create('retention');
    const retention = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    try {
      await retention.goto(`${demo.server.url}/#token=${token}`);
      const rows = retention.locator('.retention tbody tr');
      // Rows or the page's error, whichever comes first: a failed list then fails with the server's words.
      await rows.first().or(retention.locator('.retention .cell-error')).waitFor({ timeout: 30_000 });
      expect(await retention.locator('.retention .cell-error').allTextContents()).toEqual([]);
      expect(await rows.count()).toBeGreaterThan(0);
      expect(await retention.locator('.notebook-list .entry').count()).toBe(0);
      expect(await retention.getByText('Administration').count()).toBe(0);
      await retention.screenshot({ path: join(OUT, 'web-retention-role.png') });
      const firstId = (await rows.first().locator('td').first().textContent())!.trim();
      await rows.first().click();
      const profile = retention.locator('aside.profile');
      await profile.locator('.risk').waitFor();
      expect(await profile.getAttribute('data-customer-id')).toBe(firstId);
    } finally {
      await retention.close();
    }
  });

  describe('the notebook as analysts know it from marimo, Hex and Observable', () => {
    let visitor: Page;
    const put = (id: string, cells: unknown[], title = id) =>
      fetch(`${demo.server.url}/api/notebooks/${id}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${demo.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title, cells }),
      });
    const saved = async (id: string) => (await (await fetch(`${demo.server.url}/api/notebooks/${id}`, { headers: { authorization: `Bearer ${demo.token}` } })).json()) as { cells: { id: string; kind: string }[] };
    /** Opens a notebook and waits until it is the one shown and every cell has run. */
    const open = async (id: string, title = id) => {
      await visitor.goto(`${demo.server.url}/#/n/${id}&token=${demo.token}`);
      await visitor.waitForFunction((expected) => (document.querySelector('.notebook-title') as HTMLInputElement | null)?.value === expected, title);
      await settled(visitor);
    };
    const firstValue = (cell: Locator) => cell.locator('tbody td').first().textContent();

    beforeAll(async () => {
      visitor = await browser.newPage({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
      // The two default notebooks as shipped, whatever the tests above did to them.
      for (const doc of [clustersVsRfm, retention]) expect((await put(doc.id, doc.cells, doc.title)).status).toBe(200);
    });
    afterAll(() => visitor?.close());

    it('completes a column of the table the query reads', async () => {
      expect((await put('completion', [{ id: 'q', kind: 'sql', name: 'q', source: 'SELECT 1 AS one' }])).status).toBe(200);
      await open('completion');
      // Completion knows the tables once the schema has come (the browser beside the notebook lists it).
      await visitor.locator('[data-schema-table="customer_analytics"]').waitFor();
      const editor = visitor.locator('[data-cell-id="q"] [data-editor="codemirror"] .cm-content');
      await editor.fill('SELECT customer_id FROM customer_analytics WHERE ');
      await editor.press('End');
      await visitor.keyboard.type('rfm_seg', { delay: 30 });
      const labels = visitor.locator('.cm-tooltip-autocomplete .cm-completionLabel');
      await expect.poll(() => labels.allTextContents(), { timeout: 15_000 }).toContain('rfm_segment');
      await visitor.locator('.cm-tooltip-autocomplete li', { has: visitor.locator('.cm-completionLabel', { hasText: /^rfm_segment$/ }) }).click();
      expect(await editor.textContent()).toBe('SELECT customer_id FROM customer_analytics WHERE rfm_segment');
      // The schema browser lists the same table with its row count.
      const expected = (await demo.server.store.one<{ n: number }>('SELECT count(*)::INT AS n FROM customers'))!.n;
      expect(await visitor.locator('[data-schema-table="customers"] .rows').textContent()).toBe(expected.toLocaleString('en-US'));
    });

    it('lets a cell query an earlier cell and re-runs it when the earlier one changes; a cycle is refused', async () => {
      const top = { id: 'top', kind: 'sql', name: 'top_segments', source: 'SELECT rfm_segment, count(*) AS customers\nFROM customer_analytics\nGROUP BY 1\nORDER BY 2 DESC\nLIMIT 3' };
      const reader = { id: 'reader', kind: 'sql', name: 'reader', source: 'SELECT count(*) AS segments, sum(customers) AS customers FROM top_segments' };
      const other = { id: 'other', kind: 'sql', source: 'SELECT 7 AS seven' };
      expect((await put('cells-on-cells', [top, reader, other])).status).toBe(200);
      await open('cells-on-cells');
      const readerCell = visitor.locator('[data-cell-id="reader"]');
      expect(await firstValue(readerCell)).toBe('3');
      let asked: string[] = [];
      visitor.on('request', (request) => void (request.url().endsWith('/api/sql') && asked.push(JSON.parse(request.postData() ?? '{}').sql)));
      await runSql(visitor.locator('[data-cell-id="top"]'), top.source.replace('LIMIT 3', 'LIMIT 2'));
      await expect.poll(() => firstValue(readerCell), { timeout: 15_000 }).toBe('2');
      // Exactly the changed cell and its dependant ran, in that order; the unrelated cell did not.
      expect(asked).toEqual([top.source.replace('LIMIT 3', 'LIMIT 2'), reader.source]);

      asked = [];
      await runSql(visitor.locator('[data-cell-id="top"]'), 'SELECT * FROM reader');
      const topCell = visitor.locator('[data-cell-id="top"]');
      await expect.poll(() => topCell.getAttribute('data-status'), { timeout: 15_000 }).toBe('error');
      expect(await topCell.locator('.cell-error').textContent()).toContain('cycle: top_segments → reader → top_segments');
      await expect.poll(() => readerCell.getAttribute('data-status'), { timeout: 15_000 }).toBe('error');
      expect(asked).toEqual([]);
    });

    it('points at the mistake in the editor and shows DuckDB\'s suggestion', async () => {
      const cell = visitor.locator('[data-cell-id="other"]');
      await runSql(cell, 'SELECT rfm_segmnt\nFROM customer_analytics');
      await expect.poll(() => cell.getAttribute('data-status'), { timeout: 15_000 }).toBe('error');
      expect(await cell.locator('.cell-error').textContent()).toMatch(/rfm_segmnt[\s\S]*"rfm_segment"[\s\S]*line 1, column 8/);
      await expect.poll(() => cell.locator('.cm-lintRange-error').textContent(), { timeout: 15_000 }).toBe('rfm_segmnt');
    });

    it('inserts a cell in the middle, moves it by keys and by dragging, and saves the order', async () => {
      const cells = ['a', 'b', 'c'].map((id) => ({ id, kind: 'markdown', source: `Cell ${id}` }));
      expect((await put('editing', cells)).status).toBe(200);
      await open('editing');
      const order = () => visitor.locator('[data-cell-id]').evaluateAll((all) => all.map((c) => c.getAttribute('data-cell-id')));
      await visitor.locator('[data-cell-id="a"] [data-action="insert-below"]').click();
      await visitor.locator('[data-insert="below"] [data-insert-kind="sql"]').click();
      await expect.poll(async () => (await order()).length, { timeout: 15_000 }).toBe(4);
      const inserted = (await order())[1]!;
      expect((await order()).filter((id) => id !== inserted)).toEqual(['a', 'b', 'c']);
      const insertedCell = visitor.locator(`[data-cell-id="${inserted}"]`);
      expect(await insertedCell.locator('.cell-title').textContent()).toBe('customer_analytics_1');
      // The grip moves the cell with the arrow keys and keeps the focus.
      await insertedCell.locator('[data-action="grip"]').focus();
      await visitor.keyboard.press('ArrowDown');
      await expect.poll(order, { timeout: 15_000 }).toEqual(['a', 'b', inserted, 'c']);
      await visitor.keyboard.press('ArrowDown');
      await expect.poll(order, { timeout: 15_000 }).toEqual(['a', 'b', 'c', inserted]);
      // Dragged by its grip onto the top half of "a": it lands first.
      const grip = (await visitor.locator('[data-cell-id="c"] [data-action="grip"]').boundingBox())!;
      const target = (await visitor.locator('[data-cell-id="a"]').boundingBox())!;
      await visitor.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
      await visitor.mouse.down();
      await visitor.mouse.move(target.x + 200, target.y + 8, { steps: 8 });
      await expect.poll(() => visitor.locator('[data-cell-id="a"]').getAttribute('class'), { timeout: 15_000 }).toContain('drop-above');
      await visitor.mouse.up();
      await expect.poll(order, { timeout: 15_000 }).toEqual(['c', 'a', 'b', inserted]);
      await expect.poll(async () => (await saved('editing')).cells.map((c) => c.id), { timeout: 10_000 }).toEqual(['c', 'a', 'b', inserted]);
      // Duplicate and collapse.
      await visitor.locator('[data-cell-id="a"] [data-action="duplicate"]').click();
      await expect.poll(async () => (await order()).length, { timeout: 15_000 }).toBe(5);
      await visitor.locator('[data-cell-id="a"] [data-action="collapse"]').click();
      expect(await visitor.locator('[data-cell-id="a"] .cell-body').count()).toBe(0);
    });

    it('shows money in the workspace currency, in tables and chart axes', async () => {
      const setCurrency = (body: unknown) => fetch(`${demo.server.url}/api/workspace`, { method: 'PUT', headers: { authorization: `Bearer ${demo.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await setCurrency({ currency: 'EUR', currency_display: 'symbol', currency_decimals: 2 })).status).toBe(200);
      try {
        const chart = { type: 'bar', x: 'channel', y: 'revenue' };
        expect((await put('money', [{ id: 'm', kind: 'sql', source: 'SELECT channel, sum(amount) AS revenue, count(*) AS orders FROM transactions GROUP BY 1 ORDER BY 2 DESC', options: { chart } }])).status).toBe(200);
        await open('money');
        // The currency is read when the app starts.
        await visitor.reload();
        await settled(visitor);
        const cell = visitor.locator('[data-cell-id="m"]');
        const { revenue, orders } = (await demo.server.store.one<{ revenue: number; orders: number }>('SELECT sum(amount)::DOUBLE AS revenue, count(*)::INT AS orders FROM transactions GROUP BY channel ORDER BY 1 DESC LIMIT 1'))!;
        const cells = await cell.locator('tbody tr').first().locator('td').allTextContents();
        expect(cells.slice(1)).toEqual([new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR' }).format(revenue), orders.toLocaleString('en-US')]);
        await expect.poll(() => cell.locator('svg[class^="plot"] [aria-label="y-axis tick label"] text').allTextContents(), { timeout: 15_000 }).toContainEqual(expect.stringMatching(/^€/));
      } finally {
        await setCurrency({ currency: '' });
      }
    });

    it('gives every RFM segment on the map a colour of its own', async () => {
      await open(clustersVsRfm.id, clustersVsRfm.title);
      const map = visitor.locator('[data-cell-id="map"]');
      await map.locator('button', { hasText: 'By RFM segment' }).click();
      // The map shows buyers: every segment but "Other" (no purchase yet), which has no place in the projection.
      const answer = await fetch(`${demo.server.url}/api/clusters/projection?color=rfm_segment&max_points=5000`, { headers: { authorization: `Bearer ${demo.token}` } });
      const segments = new Set(((await answer.json()) as { points: { group: string }[] }).points.map((p) => p.group)).size;
      expect(segments).toBeGreaterThanOrEqual(11);
      const fills = () => map.locator('svg[class^="plot"] [aria-label="dot"] path').evaluateAll((paths) => [...new Set(paths.map((p) => p.getAttribute('fill')))]);
      await expect.poll(async () => (await fills()).length, { timeout: 20_000 }).toBe(segments);
    });

    it('exports a report whose first table is the notebook\'s, every row, formatted alike', async () => {
      await open(retention.id, retention.title);
      const table = visitor.locator('[data-cell-id] table').first();
      const texts = (rows: Locator) => rows.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent!.trim()).join(' | ')));
      const header = await texts(table.locator('thead tr'));
      const shown = await texts(table.locator('tbody tr'));
      const [download] = await Promise.all([visitor.waitForEvent('download'), visitor.click('[data-action="export"]')]);
      const html = readFileSync((await download.path())!, 'utf8');
      const report = await browser.newPage();
      try {
        await report.setContent(html);
        const first = report.locator('table').first();
        expect(await texts(first.locator('thead tr'))).toEqual(header);
        const rows = await texts(first.locator('tbody tr'));
        expect(rows.slice(0, shown.length)).toEqual(shown);
        const count = Number(await visitor.locator('[data-cell-id="at-risk"] [data-count]').getAttribute('data-count'));
        const reportRows = await report.locator('[data-count]').evaluate((p) => p.closest('section')!.querySelectorAll('tbody tr').length);
        expect(reportRows).toBe(count);
        expect(html).not.toContain('click a row');
        // The table scrolls inside its card instead of running past it.
        const wrap = await report.locator('.table-wrap').first().evaluate((el) => ({ overflow: getComputedStyle(el).overflowX, inside: el.getBoundingClientRect().right <= el.closest('section')!.getBoundingClientRect().right + 0.5 }));
        expect(wrap).toEqual({ overflow: 'auto', inside: true });
      } finally {
        await report.close();
      }
    });
  });
});
