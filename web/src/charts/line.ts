import * as Plot from '@observablehq/plot';
import { axisLabel, tipOf, valueFormat, CHART_DEFAULTS, colorScale, frame, isNumeric, type ChartOptions, type Row } from './defaults.ts';

/** Options of a line chart: a marked x value (e.g. the chosen k) is a dashed rule; `diagonal` draws y = x. */
export interface LineOptions extends ChartOptions {
  markX?: number;
  diagonal?: boolean;
}

/**
 * A line of `y` over `x` (one per `color` series) with dots at the data points.
 *
 * @example
 * container.append(lineChart(kRows, { x: 'k', y: 'silhouette', markX: 5 }));
 */
export function lineChart(rows: Row[], options: LineOptions): SVGSVGElement | HTMLElement {
  const stroke = options.color ?? CHART_DEFAULTS.accent;
  const numericX = isNumeric(rows, options.x);
  return Plot.plot({
    ...frame(options, rows),
    // Categories keep the data's order (a SQL ORDER BY holds) instead of Plot's alphabetical one.
    x: { label: axisLabel(options.xLabel, options.x), type: numericX ? 'linear' : 'point', domain: numericX ? undefined : [...new Set(rows.map((row) => row[options.x]))] },
    y: { label: axisLabel(options.yLabel, options.y), grid: true, nice: true, tickFormat: valueFormat(options.y) },
    color: colorScale(options, rows),
    marks: [
      options.markX === undefined ? null : Plot.ruleX([options.markX], { stroke: '#9aa3b5', strokeDasharray: '4,3' }),
      options.diagonal ? Plot.line([[0, 0], [1, 1]], { stroke: '#9aa3b5', strokeDasharray: '4,3' }) : null,
      Plot.lineY(rows, { x: options.x, y: options.y, stroke, sort: numericX ? options.x : undefined, strokeWidth: 2 }),
      Plot.dot(rows, { x: options.x, y: options.y, fill: stroke, r: 3, tip: tipOf(options) }),
    ],
  });
}
