/**
 * Turns raw feature rows (numbers, strings, nulls) into a dense standardized matrix. Everything is fitted on the
 * training rows only and kept as plain JSON inside the saved model, so scoring repeats training exactly.
 */
import { columnsAs, rowTable, type FeatureRow, type FeatureTable, type FeatureValue } from './columns.ts';

/** Row-major dense matrix. */
export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

/**
 * One matrix column made from a numeric feature: the value itself, its log1p, or a hinge max(0, x - knot).
 * Together they are a piecewise-linear basis, so even the logistic candidate fits a curve per feature (an additive
 * model) instead of a straight line.
 */
export type NumericTerm = ({ transform: 'raw' } | { transform: 'log1p' } | { transform: 'hinge'; knot: number }) & {
  /** Training mean and spread of the term, for standard scaling. */
  mean: number;
  std: number;
};

export interface NumericColumn {
  kind: 'numeric';
  name: string;
  /** Training median on the raw scale: fills missing values and is the reference for explanations. */
  median: number;
  /** Training range: values outside it are clamped to it before the terms, so a curve fitted on the training
   * rows is not extrapolated (a customer older than any training customer scores like the oldest one). */
  min: number;
  max: number;
  terms: NumericTerm[];
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
}

/**
 * Which matrix a network reads. `additive`: every term, so a logistic regression on it is an additive model with a
 * piecewise-linear curve per numeric feature. `compact`: no hinges (raw and log1p only): an MLP makes its own
 * curves and overfits the many hinge columns (measured in README.md).
 */
export type InputSet = 'additive' | 'compact';

export interface FitPreprocessorOptions {
  /** A level needs this many training rows (and `minLevelShare` of them) for a column of its own. */
  minLevelCount?: number;
  minLevelShare?: number;
  maxLevels?: number;
  /** Sample skewness above which a non-negative column keeps only its log1p term (no raw value). */
  skewThreshold?: number;
  /** Hinge knots per numeric column, at evenly spaced training quantiles (0: none). */
  hingeKnots?: number;
}

const DEFAULTS: Required<FitPreprocessorOptions> = { minLevelCount: 5, minLevelShare: 0.005, maxLevels: 30, skewThreshold: 1, hingeKnots: 8 };

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

const termValue = (term: NumericTerm, v: number): number =>
  term.transform === 'raw' ? v : term.transform === 'log1p' ? Math.log1p(Math.max(0, v)) : Math.max(0, v - term.knot);

/** Distinct values strictly inside the range at the training quantiles k / (count + 1). */
function quantileKnots(sorted: number[], count: number): number[] {
  const knots = new Set<number>();
  for (let k = 1; k <= count; k++) {
    const q = sorted[Math.min(sorted.length - 1, Math.floor((k / (count + 1)) * sorted.length))];
    if (q > sorted[0] && q < sorted[sorted.length - 1]) knots.add(q);
  }
  return [...knots];
}

function fitNumeric(name: string, present: number[], anyMissing: boolean, total: number, options: Required<FitPreprocessorOptions>): NumericColumn {
  const med = median(present);
  const sorted = [...present].sort((a, b) => a - b);
  const loggable = sorted[0] >= 0 && new Set(sorted).size > 2;
  const skewed = loggable && skewness(present) > options.skewThreshold;
  // log1p beside the raw value for every non-negative column (tenure, counts, money: risk often moves with the
  // order of magnitude); a skewed column keeps only log1p, its raw tail would swamp the scaling.
  const shapes: Omit<NumericTerm, 'mean' | 'std'>[] = [
    ...(skewed ? [] : [{ transform: 'raw' as const }]),
    ...(loggable ? [{ transform: 'log1p' as const }] : []),
    ...quantileKnots(sorted, options.hingeKnots).map((knot) => ({ transform: 'hinge' as const, knot })),
  ];
  // Mean and spread are taken after imputation, so the filled rows sit where scoring will put them.
  const filled = [...present, ...Array<number>(total - present.length).fill(med)];
  const terms = shapes.map((shape) => {
    const values = filled.map((v) => termValue(shape as NumericTerm, v));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    return { ...shape, mean, std: std > 1e-12 ? std : 1 } as NumericTerm;
  });
  return { kind: 'numeric', name, median: med, min: sorted[0], max: sorted[sorted.length - 1], terms, missingIndicator: anyMissing };
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

function termName(name: string, term: NumericTerm): string {
  return term.transform === 'raw' ? name : term.transform === 'log1p' ? `log1p(${name})` : `max(0,${name}-${term.knot})`;
}

const termsIn = (column: NumericColumn, inputs: InputSet) => (inputs === 'additive' ? column.terms : column.terms.filter((t) => t.transform !== 'hinge'));

/**
 * Names of the matrix columns, in order (e.g. `contract=Month-to-month`, `tenure`, `log1p(tenure)`,
 * `max(0,tenure-29)`, `total_charges_missing`).
 *
 * @example
 * featureNames(prep, 'compact').length === transform(prep, rows, 'compact').cols;
 */
export function featureNames(prep: Preprocessor, inputs: InputSet): string[] {
  return prep.columns.flatMap((c) =>
    c.kind === 'categorical'
      ? [...c.levels, OTHER_LEVEL].map((level) => `${c.name}=${level}`)
      : [...termsIn(c, inputs).map((t) => termName(c.name, t)), ...(c.missingIndicator ? [`${c.name}_missing`] : [])],
  );
}

/** How many matrix columns each preprocessor column takes, in order (they are contiguous, as in featureNames). */
export function columnWidths(prep: Preprocessor, inputs: InputSet): number[] {
  return prep.columns.map((c) => (c.kind === 'categorical' ? c.levels.length + 1 : termsIn(c, inputs).length + (c.missingIndicator ? 1 : 0)));
}

/**
 * Fits the preprocessing on training rows: a column whose present values are all numbers is numeric (median
 * imputation, missing indicator, clamping to the training range, then its terms: raw, log1p, hinges, each
 * standard-scaled); any other column is categorical (one-hot, rare and unseen levels pooled in 'other').
 *
 * @example
 * const prep = fitPreprocessor([{ tenure: 1, contract: 'Month-to-month' }, { tenure: 30, contract: 'Two year' }]);
 * const { data, cols } = transform(prep, rows, 'additive');
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
      columns.push(fitNumeric(name, present as number[], present.length < values.length, values.length, settings));
    } else {
      columns.push(fitCategorical(name, values.map((v) => (isMissing(v) ? OTHER_LEVEL : String(v))), values.length, settings));
    }
  }
  return { columns };
}

/**
 * Encodes a feature table with a fitted preprocessor into one of its input sets, column by column. Columns the
 * preprocessor does not know are ignored; columns it knows but the table lacks count as missing.
 *
 * @example
 * const x = encode(prep, batch, 'additive'); // x.rows === batch.length
 */
export function encode(prep: Preprocessor, table: FeatureTable, inputs: InputSet): Matrix {
  const cols = featureNames(prep, inputs).length;
  const n = table.length;
  const data = new Float64Array(n * cols);
  const raw = columnsAs(table, prep.columns);
  let from = 0;
  prep.columns.forEach((column, c) => {
    const values = raw[c].values;
    if (column.kind === 'numeric') {
      const terms = termsIn(column, inputs);
      for (let r = 0; r < n; r++) {
        const x = values[r] as number;
        const missing = Number.isNaN(x);
        const v = missing ? column.median : Math.min(column.max, Math.max(column.min, x));
        let j = r * cols + from;
        for (const term of terms) data[j++] = (termValue(term, v) - term.mean) / term.std;
        if (column.missingIndicator) data[j] = missing ? 1 : 0;
      }
      from += terms.length + (column.missingIndicator ? 1 : 0);
    } else {
      const levelOf = new Map(column.levels.map((level, l) => [level, l]));
      const other = column.levels.length;
      for (let r = 0; r < n; r++) {
        const value = values[r] as string | null;
        data[r * cols + from + (value === null ? other : (levelOf.get(value) ?? other))] = 1;
      }
      from += other + 1;
    }
  });
  return { data, rows: n, cols };
}

/**
 * Encodes rows with a fitted preprocessor (as `encode` does their table).
 *
 * @example
 * const x = transform(prep, [{ tenure: 12, contract: 'One year' }], 'compact'); // x.cols === featureNames(prep, 'compact').length
 */
export function transform(prep: Preprocessor, rows: FeatureRow[], inputs: InputSet): Matrix {
  return encode(prep, rowTable(rows, prep.columns), inputs);
}
