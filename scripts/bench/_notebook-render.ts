/** One visit to the default notebook, timed from navigation to fully rendered: the notebook and scale benches. */
import type { Browser } from 'playwright-core';

export interface NotebookVisit {
  ms: number;
  /** The renderer's main-thread busy time: less sensitive to other work on a shared machine than wall time. */
  taskMs: number;
  notDone: number;
  cellTimes: Record<string, string>;
}

/**
 * Opens `appUrl` in a fresh browser context (no HTTP cache, no stored token: a new visitor) and waits until every
 * cell is settled and every chart drawn.
 *
 * @example
 * const visit = await renderNotebook(browser, `${url}/#token=${token}`);
 */
export async function renderNotebook(browser: Browser, appUrl: string): Promise<NotebookVisit> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  try {
    const page = await context.newPage();
    const devtools = await context.newCDPSession(page);
    await devtools.send('Performance.enable');
    const start = performance.now();
    await page.goto(appUrl);
    await page.waitForSelector('.notebook[data-settled="true"]', { timeout: 120_000 });
    // Charts draw in an effect after their data (and the charts chunk) arrived: wait for the customer map and
    // for every other chart host of the notebook to hold its figure.
    await page.waitForSelector('[data-cell-id="map"] svg[class^="plot"]', { timeout: 30_000 });
    await page.waitForFunction(() => !document.querySelector('[data-cell-id] .chart:empty'), undefined, { timeout: 30_000 });
    const ms = performance.now() - start;
    const { metrics } = await devtools.send('Performance.getMetrics');
    const taskMs = 1000 * (metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN);
    const notDone = await page.locator('[data-cell-id]:not([data-status="done"])').count();
    const cellTimes = await page.locator('[data-cell-id]').evaluateAll((cells) =>
      Object.fromEntries(cells.map((c) => [c.getAttribute('data-cell-id') ?? '', c.querySelector('.timing')?.textContent ?? ''])),
    );
    return { ms, taskMs, notDone, cellTimes };
  } finally {
    await context.close();
  }
}
