import * as Plot from '@observablehq/plot';
import { frame, type ChartOptions, type Row } from './defaults.ts';

/** Options of a heatmap: `color` is the value column; `diverging` centres the scale on 0 (z-scores). */
export interface HeatmapOptions extends ChartOptions {
  color: string;
  diverging?: boolean;
  /** Print the values in the cells (default: when there are at most 120 cells). */
  labels?: boolean;
  /** Formats the printed values. */
  format?: (value: number) => string;
  xOrder?: string[];
  yOrder?: string[];
}

const defaultFormat = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2).replace(/\.?0+$/, ''));

/**
 * A grid of `x` by `y` cells filled by the value column `color`.
 *
 * @example
 * container.append(heatmapChart(cells, { x: 'rfm_segment', y: 'cluster', color: 'customers' }));
 */
export function heatmapChart(rows: Row[], options: HeatmapOptions): SVGSVGElement | HTMLElement {
  const labels = options.labels ?? rows.length <= 120;
  const format = options.format ?? defaultFormat;
  const yCount = new Set(rows.map((row) => String(row[options.y]))).size;
  const xCount = new Set(rows.map((row) => String(row[options.x]))).size;
  const turned = xCount > 6;
  return Plot.plot({
    ...frame(options),
    height: options.height ?? Math.max(160, 40 + yCount * 30 + (turned ? 80 : 30)),
    marginLeft: 120,
    marginBottom: turned ? 100 : 40,
    x: { label: options.xLabel ?? options.x, tickRotate: turned ? -35 : 0, domain: options.xOrder },
    y: { label: options.yLabel ?? options.y, domain: options.yOrder },
    color: options.diverging
      ? { type: 'diverging', scheme: 'RdBu', pivot: 0, reverse: true, legend: true, label: options.color }
      : { scheme: 'Blues', legend: true, label: options.color },
    marks: [
      Plot.cell(rows, { x: options.x, y: options.y, fill: options.color, inset: 0.5, tip: true }),
      labels
        ? Plot.text(rows, {
            x: options.x,
            y: options.y,
            text: (row: Row) => (typeof row[options.color] === 'number' ? format(row[options.color] as number) : ''),
            fill: 'black',
            fontSize: 11,
          })
        : null,
    ],
  });
}
