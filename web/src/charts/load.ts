/**
 * Observable Plot and the chart wrappers live in a chunk of their own: the app shell starts and the cells ask
 * for their data while Plot is still downloading and being parsed, instead of after.
 */
export type Charts = typeof import('./index.ts');

let charts: Promise<Charts> | undefined;

/**
 * The chart wrappers, fetched once; calling it early (at start) only starts the download.
 *
 * @example
 * const { barChart } = await loadCharts();
 */
export function loadCharts(): Promise<Charts> {
  return (charts ??= import('./index.ts'));
}
