/** Chart defaults in one place: size, type, colours and number formats shared by every chart wrapper. */
import { formatterFor } from '../format.ts';
import { columnLabel, shownValue } from '../i18n/index.svelte.ts';
import { categoryColor } from './palette.ts';

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
} as const;

/**
 * How a column's values read on axes, legends and in tooltips: numbers with the same formatter as in tables
 * (format.ts), so a share is "4.1%" in both; domain names (segments, tiers, clusters) in the UI's language, the
 * data keeping the stored names (and so their fixed colours).
 */
export function valueFormat(column: string): (value: unknown) => string {
  const format = formatterFor(column);
  return (value) => (typeof value === 'number' ? format(value) : String(shownValue(column, value) ?? ''));
}

/** Width of a label in average characters: CJK characters count twice. */
export const labelWidth = (text: string) => text.length + (text.match(/[\u3000-\u9fff\uff00-\uffef]/g)?.length ?? 0);

/** The tooltip of a mark: x, y (and the series) formatted as in tables. */
export function tipOf(options: ChartOptions) {
  const format: Record<string, (value: unknown) => string> = { x: valueFormat(options.x), y: valueFormat(options.y) };
  if (options.color) format.fill = format.stroke = valueFormat(options.color);
  return { format };
}

/**
 * The base options of Plot.plot for a wrapper's options. The left margin fits the widest y tick label as
 * formatted (money in a currency runs long), so labels are never cut.
 */
export function frame(options: ChartOptions, rows: Row[] = []) {
  const format = valueFormat(options.y);
  let widest = 4;
  for (const row of rows) {
    const value = row[options.y];
    if (typeof value === 'number') widest = Math.max(widest, format(Math.abs(value) >= 1 ? Math.round(value) : value).length + (value < 0 ? 1 : 0));
  }
  return {
    width: options.width ?? CHART_DEFAULTS.width,
    height: options.height ?? CHART_DEFAULTS.height,
    style: CHART_DEFAULTS.style,
    marginLeft: Math.max(56, Math.min(140, 16 + 7 * widest)),
    marginBottom: 40,
  };
}

/**
 * The colour scale of a chart with a series column: fixed colours when given, else each value's colour for the
 * notebook (palette.ts), with the legend in the data's order.
 */
export function colorScale(options: ChartOptions, rows: Row[] = []) {
  if (!options.color) return undefined;
  if (options.colors) return { legend: true, type: 'categorical' as const, domain: Object.keys(options.colors), range: Object.values(options.colors), tickFormat: valueFormat(options.color) };
  const domain = [...new Set(rows.map((row) => row[options.color!]))];
  return { legend: true, type: 'categorical' as const, domain, range: domain.map(categoryColor), tickFormat: valueFormat(options.color) };
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

/** An axis title: the given one (null hides it), else the column's header as tables show it. */
export const axisLabel = (given: string | null | undefined, column: string) => (given === undefined ? columnLabel(column) : given);
