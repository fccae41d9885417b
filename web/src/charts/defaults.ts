/** Chart defaults in one place: size, type and colours shared by every chart wrapper. */

export type Row = Record<string, unknown>;

/** What every chart wrapper takes besides its data. */
export interface ChartOptions {
  x: string;
  y: string;
  /** A series/colour column (bar, line, scatter) or the cell value (heatmap). */
  color?: string;
  width?: number;
  height?: number;
  /** Axis labels; default: the column names; null hides the label. */
  xLabel?: string | null;
  yLabel?: string | null;
  /** Fixed colours for known series values (e.g. risk bands), in legend order. */
  colors?: Record<string, string>;
}

export const CHART_DEFAULTS = {
  width: 640,
  height: 320,
  accent: '#4f6bed',
  style: { fontSize: '12px', fontFamily: 'inherit', background: 'transparent', overflow: 'visible' },
  /** Categorical palette: distinct, colour-blind friendly (Observable 10). */
  scheme: 'observable10',
} as const;

/** The base options of Plot.plot for a wrapper's options. */
export function frame(options: ChartOptions) {
  return {
    width: options.width ?? CHART_DEFAULTS.width,
    height: options.height ?? CHART_DEFAULTS.height,
    style: CHART_DEFAULTS.style,
    marginLeft: 56,
    marginBottom: 40,
  };
}

/** The colour scale of a chart with a series column: fixed colours when given, else the shared palette. */
export function colorScale(options: ChartOptions) {
  if (!options.color) return undefined;
  if (options.colors) return { legend: true, type: 'categorical' as const, domain: Object.keys(options.colors), range: Object.values(options.colors) };
  return { legend: true, type: 'categorical' as const, scheme: CHART_DEFAULTS.scheme };
}

/** True when every non-null value of a column is a number, so it takes a continuous scale. */
export function isNumeric(rows: Row[], column: string): boolean {
  let seen = false;
  for (const row of rows) {
    const value = row[column];
    if (value === null || value === undefined) continue;
    if (typeof value !== 'number') return false;
    seen = true;
  }
  return seen;
}

/** An axis title: the given one (null hides it), else the column name. */
export const axisLabel = (given: string | null | undefined, column: string) => (given === undefined ? column : given);
