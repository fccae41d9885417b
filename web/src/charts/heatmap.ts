import * as Plot from '@observablehq/plot';
import { axisLabel, frame, labelWidth, valueFormat, type ChartOptions, type Row } from './defaults.ts';

/** Options of a heatmap: `color` is the value column; `diverging` centres the scale on 0 (z-scores). */
export interface HeatmapOptions extends ChartOptions {
  color: string;
  diverging?: boolean;
  /** Print the values in the cells (default: when there are at most 150 cells). */
  labels?: boolean;
  /** Formats the printed values; default: as tables format the value column (format.ts). */
  format?: (value: number) => string;
  xOrder?: string[];
  yOrder?: string[];
}

/**
 * A grid of `x` by `y` cells filled by the value column `color`, with the values printed in the cells
 * (white on dark cells). The y tick labels are the row names, so the y axis has no title of its own.
 *
 * @example
 * container.append(heatmapChart(cells, { x: 'rfm_segment', y: 'cluster', color: 'customers' }));
 */
export function heatmapChart(rows: Row[], options: HeatmapOptions): SVGSVGElement | HTMLElement {
  const value = (row: Row) => (typeof row[options.color] === 'number' ? (row[options.color] as number) : NaN);
  const labels = options.labels ?? rows.length <= 150;
  const format = options.format ?? valueFormat(options.color);
  const yName = valueFormat(options.y);
  const yNames = [...new Set(rows.map((row) => yName(row[options.y])))];
  const xCount = new Set(rows.map((row) => String(row[options.x]))).size;
  const turned = xCount > 6;
  const extreme = Math.max(...rows.map((row) => Math.abs(value(row))).filter(Number.isFinite), 0);
  // Past 60% of the scale the cell is dark enough that black text disappears.
  const dark = (row: Row) => Math.abs(value(row)) > 0.6 * extreme;
  const text = (fill: string, filter: (row: Row) => boolean) =>
    Plot.text(rows, { x: options.x, y: options.y, text: (row: Row) => (Number.isFinite(value(row)) ? format(value(row)) : ''), fill, fontSize: 11, filter });
  return Plot.plot({
    ...frame(options),
    height: options.height ?? Math.max(140, 60 + yNames.length * 30 + (turned ? 80 : 30)),
    marginLeft: Math.min(240, 16 + 6.5 * Math.max(...yNames.map(labelWidth), 4)),
    marginBottom: turned ? 100 : 40,
    x: { label: axisLabel(options.xLabel, options.x), tickRotate: turned ? -35 : 0, domain: options.xOrder, tickFormat: valueFormat(options.x) },
    y: { label: null, domain: options.yOrder, tickFormat: yName },
    color: options.diverging
      ? { type: 'diverging', scheme: 'RdBu', pivot: 0, reverse: true, legend: true, label: axisLabel(undefined, options.color), tickFormat: format }
      : { scheme: 'Blues', legend: true, label: axisLabel(undefined, options.color), tickFormat: format },
    marks: [
      Plot.cell(rows, { x: options.x, y: options.y, fill: options.color, inset: 0.5, tip: { format: { fill: format } } }),
      labels ? text('black', (row) => !dark(row)) : null,
      labels ? text('white', dark) : null,
    ],
  });
}
