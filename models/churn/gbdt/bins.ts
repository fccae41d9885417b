/**
 * Binning: every feature column becomes a `Uint8Array` of bin numbers, the only form the trees ever read.
 * Bin 0 is always "missing", so missing values need no imputation and a split learns which side they go to.
 * - numeric: bins 1..k hold values up to each edge (`v <= edges[b - 1]`), the last bin everything above; with at
 *   most `maxBins - 1` distinct values the edges are the midpoints between them (exact), else midpoints at
 *   evenly spaced quantiles of a seeded sample (scikit-learn's HistGradientBoosting and LightGBM do the same).
 * - categorical: one bin per level seen at least `minLevelCount` times, most frequent first; rarer and unseen
 *   levels share the last bin, so a column of any cardinality costs one byte a row and no one-hot.
 */
import { seededRandom } from '../random.ts';

/** A feature column as the trainer reads it: numbers (NaN = missing) or text (null = missing). */
export type RawColumn = { name: string; kind: 'numeric'; values: Float64Array } | { name: string; kind: 'categorical'; values: (string | null)[] };

export type ColumnBins =
  | { name: string; kind: 'numeric'; edges: number[] }
  | { name: string; kind: 'categorical'; levels: string[] };

export interface BinOptions {
  /** Bins per column including the missing bin; at most 256 (one byte). */
  maxBins?: number;
  /** Rows sampled to place numeric edges (all rows when fewer). */
  sampleRows?: number;
  /** A level needs this many rows for a bin of its own. */
  minLevelCount?: number;
  seed?: number;
}

export const BIN_DEFAULTS: Required<BinOptions> = { maxBins: 256, sampleRows: 200_000, minLevelCount: 5, seed: 0 };

export const MISSING_BIN = 0;

/** Number of bins a column uses, the missing bin included. */
export function binCount(bins: ColumnBins): number {
  return bins.kind === 'numeric' ? bins.edges.length + 2 : bins.levels.length + 2;
}

function numericEdges(values: Float64Array, settings: Required<BinOptions>): number[] {
  let present = values.filter((v) => !Number.isNaN(v));
  if (present.length > settings.sampleRows) {
    const next = seededRandom(settings.seed);
    const sample = new Float64Array(settings.sampleRows);
    for (let i = 0; i < sample.length; i++) sample[i] = present[Math.floor(next() * present.length)];
    present = sample;
  }
  const sorted = present.sort();
  const distinct: number[] = [];
  for (const v of sorted) if (!distinct.length || v !== distinct[distinct.length - 1]) distinct.push(v);
  const valueBins = settings.maxBins - 1;
  if (distinct.length <= valueBins) return distinct.slice(1).map((v, i) => (distinct[i] + v) / 2);
  const edges: number[] = [];
  for (let k = 1; k < valueBins; k++) {
    const at = (k / valueBins) * (sorted.length - 1);
    const lo = sorted[Math.floor(at)];
    const hi = sorted[Math.min(sorted.length - 1, Math.floor(at) + 1)];
    const edge = (lo + hi) / 2;
    if (edge > sorted[0] && edge < sorted[sorted.length - 1] && (!edges.length || edge > edges[edges.length - 1])) edges.push(edge);
  }
  return edges;
}

function categoricalLevels(values: (string | null)[], settings: Required<BinOptions>): string[] {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .filter(([, n]) => n >= settings.minLevelCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, settings.maxBins - 2)
    .map(([level]) => level);
}

/**
 * Fits the bins of each column on training rows.
 *
 * @example
 * fitBins([{ name: 'tenure', kind: 'numeric', values: Float64Array.of(1, 5, NaN) }]); // [{ name: 'tenure', kind: 'numeric', edges: [3] }]
 */
export function fitBins(columns: RawColumn[], options: BinOptions = {}): ColumnBins[] {
  const settings = { ...BIN_DEFAULTS, ...options };
  if (settings.maxBins > 256 || settings.maxBins < 3) throw new RangeError(`maxBins must be 3..256, got ${settings.maxBins}`);
  return columns.map((c) =>
    c.kind === 'numeric' ? { name: c.name, kind: 'numeric', edges: numericEdges(c.values, settings) } : { name: c.name, kind: 'categorical', levels: categoricalLevels(c.values, settings) },
  );
}

/** The bin of one numeric value: 1 + the number of edges below it (binary search), 0 when missing. */
function numericBin(edges: number[], v: number): number {
  if (Number.isNaN(v)) return MISSING_BIN;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

/**
 * Bins one column with fitted bins; a column the bins do not match (absent, or numbers where text was fitted)
 * reads as missing or as the shared rare-level bin, never as an error, so scoring survives a changed schema.
 *
 * @example
 * binColumn({ name: 'tenure', kind: 'numeric', edges: [3] }, { name: 'tenure', kind: 'numeric', values: Float64Array.of(1, 5, NaN) }); // [1, 2, 0]
 */
export function binColumn(bins: ColumnBins, column: RawColumn | undefined, rows: number): Uint8Array {
  const out = new Uint8Array(rows);
  if (!column) return out;
  if (bins.kind === 'numeric') {
    if (column.kind !== 'numeric') return out;
    for (let i = 0; i < rows; i++) out[i] = numericBin(bins.edges, column.values[i]);
    return out;
  }
  const index = new Map(bins.levels.map((level, b) => [level, b + 1]));
  const rare = bins.levels.length + 1;
  for (let i = 0; i < rows; i++) {
    const v = column.values[i];
    const text = v === null || (typeof v === 'number' && Number.isNaN(v)) ? null : String(v);
    out[i] = text === null ? MISSING_BIN : (index.get(text) ?? rare);
  }
  return out;
}

/**
 * Bins every fitted column, matched by name.
 *
 * @example
 * const binned = binColumns(bins, columns, rows); // one Uint8Array per fitted column
 */
export function binColumns(bins: ColumnBins[], columns: RawColumn[], rows: number): Uint8Array[] {
  const byName = new Map(columns.map((c) => [c.name, c]));
  return bins.map((b) => binColumn(b, byName.get(b.name), rows));
}
