/** One wrapper per chart type over Observable Plot, plus the figure from a SQL cell's chart spec. */
import type { ChartSpec } from '../notebook/model.ts';
import { barChart } from './bar.ts';
import type { Row } from './defaults.ts';
import { heatmapChart } from './heatmap.ts';
import { lineChart } from './line.ts';
import { scatterChart } from './scatter.ts';

export { barChart, heatmapChart, lineChart, scatterChart };
export type { Row };

/**
 * The figure a chart spec asks for.
 *
 * @example
 * chartFromSpec(result.rows, { type: 'bar', x: 'rfm_segment', y: 'customers' }, 640);
 */
export function chartFromSpec(rows: Row[], spec: ChartSpec, width: number, onPick?: (row: Row) => void): Element {
  const options = { x: spec.x, y: spec.y, color: spec.color || undefined, width };
  switch (spec.type) {
    case 'bar':
      return barChart(rows, options);
    case 'line':
      return lineChart(rows, options);
    case 'scatter':
      return scatterChart(rows, { ...options, onPick, title: 'customer_id' in (rows[0] ?? {}) ? 'customer_id' : undefined });
    case 'heatmap':
      if (!spec.color) throw new Error('a heatmap needs a value column');
      return heatmapChart(rows, { ...options, color: spec.color });
  }
}
