/**
 * Turns raw feature rows (numbers, strings, nulls) into a dense standardized matrix. Everything is fitted on the
 * training rows only and kept as plain JSON inside the saved model, so scoring repeats training exactly.
 */

export type FeatureValue = number | string | null;
export type FeatureRow = Record<string, FeatureValue>;

/** Row-major dense matrix. */
export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

export interface NumericColumn {
  kind: 'numeric';
  name: string;
  /** Training median on the raw scale: fills missing values and is the reference for explanations. */
  median: number;
  /** log1p before scaling (non-negative, right-skewed columns such as money and counts). */
  log: boolean;
  mean: number;
  std: number;
  /** A 0/1 column flags rows where the value was missing (only when training rows had any). */
  missingIndicator: boolean;
}

export interface CategoricalColumn {
  kind: 'categorical';
  name: string;
  /** Levels with their own one-hot column, most frequent first; anything else (rare, unseen, missing) is 'other'. */
  levels: string[];
  /** Training share of each level, then of 'other': the average customer that explanations compare against. */
  shares: number[];
}

export type Column = NumericColumn | CategoricalColumn;

export interface Preprocessor {
  columns: Column[];
  /** Names of the matrix columns, in order (e.g. `contract=Month-to-month`, `tenure`, `total_charges_missing`). */
  featureNames: string[];
}

export interface FitPreprocessorOptions {
  /** A level needs this many training rows (and `minLevelShare` of them) for a column of its own. */
  minLevelCount?: number;
  minLevelShare?: number;
  maxLevels?: number;
  /** Sample skewness above which a non-negative column is log1p-transformed. */
  skewThreshold?: number;
}

const DEFAULTS: Required<FitPreprocessorOptions> = { minLevelCount: 5, minLevelShare: 0.005, maxLevels: 30, skewThreshold: 1 };

export const OTHER_LEVEL = 'other';

const isMissing = (v: FeatureValue | undefined): v is null | undefined => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));

function median(values: number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function skewness(values: number[]): number {
  const n = values.length;
  if (n < 3) return 0;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  let m2 = 0;
  let m3 = 0;
  for (const v of values) {
    m2 += (v - mean) ** 2;
    m3 += (v - mean) ** 3;
  }
  m2 /= n;
  m3 /= n;
  return m2 > 0 ? m3 / m2 ** 1.5 : 0;
}

function fitNumeric(name: string, present: number[], anyMissing: boolean, total: number, skewThreshold: number): NumericColumn {
  const med = median(present);
  const distinct = new Set(present).size;
  const log = distinct > 2 && present.every((v) => v >= 0) && skewness(present) > skewThreshold;
  const scaled = (v: number) => (log ? Math.log1p(v) : v);
  // Mean and spread are taken after imputation, so the filled rows sit where scoring will put them.
  const filled = [...present.map(scaled), ...Array(total - present.length).fill(scaled(med))];
  const mean = filled.reduce((s, v) => s + v, 0) / filled.length;
  const std = Math.sqrt(filled.reduce((s, v) => s + (v - mean) ** 2, 0) / filled.length);
  return { kind: 'numeric', name, median: med, log, mean, std: std > 1e-12 ? std : 1, missingIndicator: anyMissing };
}

function fitCategorical(name: string, values: string[], total: number, options: Required<FitPreprocessorOptions>): CategoricalColumn {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const minCount = Math.max(options.minLevelCount, options.minLevelShare * total);
  const levels = [...counts]
    .filter(([level, n]) => n >= minCount && level !== OTHER_LEVEL)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, options.maxLevels)
    .map(([level]) => level);
  const shares = levels.map((level) => counts.get(level)! / total);
  shares.push(1 - shares.reduce((a, b) => a + b, 0));
  return { kind: 'categorical', name, levels, shares };
}

function featureNamesOf(columns: Column[]): string[] {
  return columns.flatMap((c) =>
    c.kind === 'categorical'
      ? [...c.levels, OTHER_LEVEL].map((level) => `${c.name}=${level}`)
      : c.missingIndicator ? [c.name, `${c.name}_missing`] : [c.name],
  );
}

/**
 * Fits the preprocessing on training rows: a column whose present values are all numbers is numeric (median
 * imputation, missing indicator, optional log1p, standard scaling); any other column is categorical (one-hot,
 * rare and unseen levels pooled in 'other').
 *
 * @example
 * const prep = fitPreprocessor([{ tenure: 1, contract: 'Month-to-month' }, { tenure: 30, contract: 'Two year' }]);
 * const { data, cols } = transform(prep, rows);
 */
export function fitPreprocessor(rows: FeatureRow[], options: FitPreprocessorOptions = {}): Preprocessor {
  const settings = { ...DEFAULTS, ...options };
  const names: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) for (const name of Object.keys(row)) if (!seen.has(name)) {
    seen.add(name);
    names.push(name);
  }
  const columns: Column[] = [];
  for (const name of names) {
    const values = rows.map((r) => r[name]);
    const present = values.filter((v) => !isMissing(v));
    if (!present.length) continue;
    if (present.every((v) => typeof v === 'number')) {
      columns.push(fitNumeric(name, present as number[], present.length < values.length, values.length, settings.skewThreshold));
    } else {
      columns.push(fitCategorical(name, values.map((v) => (isMissing(v) ? OTHER_LEVEL : String(v))), values.length, settings));
    }
  }
  return { columns, featureNames: featureNamesOf(columns) };
}

/**
 * Encodes rows with a fitted preprocessor. Columns the preprocessor does not know are ignored; columns it knows
 * but a row lacks count as missing.
 *
 * @example
 * const x = transform(prep, [{ tenure: 12, contract: 'One year' }]); // x.data.length === prep.featureNames.length
 */
export function transform(prep: Preprocessor, rows: FeatureRow[]): Matrix {
  const cols = prep.featureNames.length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, r) => {
    let j = r * cols;
    for (const column of prep.columns) {
      const raw = row[column.name];
      if (column.kind === 'numeric') {
        const missing = isMissing(raw) || typeof raw !== 'number';
        const v = missing ? column.median : (raw as number);
        data[j++] = ((column.log ? Math.log1p(Math.max(0, v)) : v) - column.mean) / column.std;
        if (column.missingIndicator) data[j++] = missing ? 1 : 0;
      } else {
        const level = isMissing(raw) ? -1 : column.levels.indexOf(String(raw));
        data[j + (level < 0 ? column.levels.length : level)] = 1;
        j += column.levels.length + 1;
      }
    }
  });
  return { data, rows: rows.length, cols };
}

