import * as Plot from '@observablehq/plot';
import { axisLabel, tipOf, valueFormat, CHART_DEFAULTS, colorScale, frame, type ChartOptions, type Row } from './defaults.ts';

/** Options of a bar chart: `grouped` puts the `color` series side by side instead of stacking them. */
export interface BarOptions extends ChartOptions {
  grouped?: boolean;
}

/**
 * Vertical bars of `y` by category `x` in the data's order (a SQL ORDER BY holds), stacked (or grouped) by
 * `color` when given; long category lists turn the labels.
 *
 * @example
 * container.append(barChart(rows, { x: 'rfm_segment', y: 'customers' }));
 */
export function barChart(rows: Row[], options: BarOptions): SVGSVGElement | HTMLElement {
  const domain = [...new Set(rows.map((row) => row[options.x]))];
  const turned = domain.length > 8;
  const category = { label: axisLabel(options.xLabel, options.x), tickRotate: turned ? -35 : 0, domain, tickFormat: valueFormat(options.x) };
  const grouped = options.grouped && options.color;
  return Plot.plot({
    ...frame(options, rows),
    marginBottom: turned ? 90 : 40,
    ...(grouped ? { fx: { ...category, padding: 0.15 }, x: { axis: null } } : { x: { ...category, type: 'band' } }),
    y: { label: axisLabel(options.yLabel, options.y), grid: true, nice: true, tickFormat: valueFormat(options.y) },
    color: colorScale(options, rows),
    marks: [
      Plot.barY(rows, {
        ...(grouped ? { fx: options.x, x: options.color } : { x: options.x }),
        y: options.y,
        fill: options.color ?? CHART_DEFAULTS.accent,
        tip: tipOf(options),
      }),
      Plot.ruleY([0]),
    ],
  });
}
