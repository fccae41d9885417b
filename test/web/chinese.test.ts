import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasonText, storedReasons } from '../../models/churn/reason-words.ts';
import { RFM_SEGMENTS_ZH } from '../../models/i18n/names.ts';
import { ensureBuild, launchBrowser, startDemoServer, type DemoServer } from './harness.ts';

const HAN = /[\u4e00-\u9fff]/;

/** Waits until every cell of the open notebook has finished. */
const settled = (page: Page) => page.waitForSelector('.notebook[data-settled="true"]', { timeout: 60_000 });

describe('the Chinese demo in headless Chromium', () => {
  let demo: DemoServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ensureBuild();
    [demo, browser] = await Promise.all([startDemoServer({ customers: 600, lang: 'zh' }), launchBrowser()]);
    // An English browser: the workspace's default language (the demo's) is what turns the UI to Chinese.
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, locale: 'en-US' });
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('stores Chinese products and feedback, the feedback scored by the Chinese model', async () => {
    const product = await demo.server.store.one<{ product: string }>('SELECT product FROM transactions LIMIT 1');
    expect(product!.product).toMatch(HAN);
    const scored = await demo.server.store.all<{ text: string; rating: number; label: string; language: string }>(
      'SELECT f.text, f.rating, s.label, s.language FROM feedback_scores s JOIN feedback f USING (customer_id, "timestamp")',
    );
    expect(scored.length).toBeGreaterThan(100);
    for (const row of scored) expect([row.language, row.text]).toEqual(['zh', expect.stringMatching(HAN)]);
    // The demo's complaints (rated 1-2) read as negative, its praise (4-5) as positive.
    const agree = (low: boolean, label: string) => scored.filter((r) => (low ? r.rating <= 2 : r.rating >= 4)).every((r) => r.label === label);
    expect(agree(true, 'negative')).toBe(true);
    expect(agree(false, 'positive')).toBe(true);
  });

  it('opens the default notebook in 中文: a Chinese heading, Chinese segment names in a chart', async () => {
    await page.goto(demo.appUrl);
    await settled(page);
    expect(await page.inputValue('.notebook-title')).toBe('聚类与 RFM 分层');
    expect(await page.locator('[data-cell-id="intro"] h1').textContent()).toBe('聚类与 RFM 分层');
    expect(await page.locator('.side-pages').textContent()).toContain('流失风险名单');
    // The tier summary's bars are by RFM segment: its axis reads the Chinese names.
    const chart = page.locator('[data-cell-id="rfm"] svg[class^="plot"]').first();
    await chart.waitFor();
    const labels = await chart.locator('text').allTextContents();
    expect(labels.filter((label) => Object.values(RFM_SEGMENTS_ZH).includes(label)).length).toBeGreaterThan(2);
    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/web-chinese-notebook.png', fullPage: true });
  });

  it('shows a customer profile with churn reasons in Chinese, worded from the stored reasons', async () => {
    await page.goto(`${demo.server.url}/#/retention`);
    const row = page.locator('.retention tbody tr').first();
    await row.waitFor();
    await row.click();
    const profile = page.locator('aside.profile');
    await profile.locator('.reasons li').first().waitFor();
    const id = (await profile.getAttribute('data-customer-id'))!;
    const stored = await demo.server.store.one<{ reasons: unknown }>('SELECT reasons FROM customer_churn WHERE customer_id = ?', [id]);
    const expected = storedReasons(stored!.reasons).map((r) => reasonText(r, 'zh'));
    expect(expected.length).toBeGreaterThan(0);
    expect(await profile.locator('.reasons li').allTextContents()).toEqual(expected);
    for (const reason of expected) expect(reason).toMatch(/个百分点$/);
    expect(await profile.locator('h3').first().textContent()).toBe('下一步最佳行动');
    await page.screenshot({ path: 'test-output/web-chinese-profile.png' });
  });

  it('switches to English, remembered by the browser', async () => {
    await page.goto(demo.appUrl);
    await page.locator('select[data-action="language"]').selectOption('en');
    await page.waitForFunction(() => document.querySelector('.side-pages')?.textContent?.includes('At-risk list'));
    expect(await page.evaluate(() => localStorage.getItem('tierlab.lang'))).toBe('en');
    await page.reload();
    await page.waitForFunction(() => document.querySelector('.side-pages')?.textContent?.includes('At-risk list'));
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
  });
});
