import * as Plot from '@observablehq/plot';
import { axisLabel, tipOf, valueFormat, CHART_DEFAULTS, colorScale, frame, type ChartOptions, type Row } from './defaults.ts';
import { dotPaths } from './dot-paths.ts';

/** Options of a scatter: `onPick` gets the row under the pointer when the user clicks. */
export interface ScatterOptions extends ChartOptions {
  onPick?: (row: Row) => void;
  /** Extra tip lines, e.g. the customer id. */
  title?: string;
}

/**
 * Dots of `y` over `x` coloured by `color`; the pointer picks the nearest point, a click hands it to `onPick`.
 * Small, translucent dots keep thousands of points readable (the server downsamples beyond that); they are drawn
 * as one path per colour (see dot-paths.ts).
 *
 * @example
 * container.append(scatterChart(points, { x: 'x', y: 'y', color: 'group', onPick: (p) => open(p.customer_id) }));
 */
export function scatterChart(rows: Row[], options: ScatterOptions): SVGSVGElement | HTMLElement {
  const dense = rows.length > 2000;
  const channels = options.title ? { [options.title]: options.title } : undefined;
  const plot = Plot.plot({
    ...frame(options, rows),
    x: { label: axisLabel(options.xLabel, options.x), nice: true },
    y: { label: axisLabel(options.yLabel, options.y), grid: true, nice: true, tickFormat: valueFormat(options.y) },
    color: colorScale(options, rows),
    marks: [
      Plot.dot(rows, { x: options.x, y: options.y, fill: options.color ?? CHART_DEFAULTS.accent, render: dotPaths({ r: dense ? 1.8 : 3, fill: CHART_DEFAULTS.accent, fillOpacity: dense ? 0.55 : 0.8 }) }),
      Plot.dot(rows, Plot.pointer({ x: options.x, y: options.y, r: 6, stroke: '#111', strokeWidth: 1.5, channels })),
      Plot.tip(rows, Plot.pointer({ x: options.x, y: options.y, format: tipOf(options).format, channels: { ...channels, ...(options.color ? { [options.color]: options.color } : {}) } })),
    ],
  });
  if (options.onPick) {
    const pick = options.onPick;
    plot.style.cursor = 'pointer';
    // Plot sets `value` to the datum the pointer is on; a click picks that one.
    plot.addEventListener('click', () => {
      const value = (plot as unknown as { value?: Row }).value;
      if (value) pick(value);
    });
  }
  return plot;
}
