import { analyzeText } from './analyze.ts';
import { DEFAULT_FEATURES, LANGUAGE_FEATURES, dimensionOf, featurize, type FeatureOptions, type SparseRow } from './features.ts';
import { languageKit, type Language } from './language.ts';
import { DEFAULT_LOGISTIC, fitLogistic, logit, sigmoid, type LogisticOptions } from './logistic.ts';
import { balancedAccuracy, bestBalancedThreshold, confusion, negativePrecisionThreshold, rocAuc } from './metrics.ts';
import { SentimentModel } from './model.ts';

export interface TrainOptions {
  texts: string[];
  /** 1 for the positive class (e.g. 5-star reviews), 0 otherwise. */
  labels: Uint8Array;
  language?: Language;
  features?: Partial<FeatureOptions>;
  logistic?: Partial<LogisticOptions>;
  /** Cross-validation folds used to pick the thresholds on predictions the fold's model never saw. */
  folds?: number;
  /** Hashed slots seen in fewer training texts are dropped: rare n-grams mostly add noise and file size. */
  minDocFreq?: number;
  /** Share of non-positive rows required below the negative threshold. */
  negativePrecision?: number;
  /** Free-form provenance kept in the saved model (file name, columns). */
  source?: Record<string, unknown>;
}

const DEFAULTS = { language: 'en' as Language, folds: 5, minDocFreq: 2, negativePrecision: 0.9 };
/**
 * Chinese keeps slots seen in 5 texts or more: character trigrams are many, and those rarer than that are mostly
 * names and one-off phrases (5-fold ROC-AUC on the hotel reviews 0.960 with either; the file 2.1 -> 1.0 MB).
 */
const LANGUAGE_DEFAULTS: Partial<Record<Language, { minDocFreq: number }>> = { zh: { minDocFreq: 5 } };

/**
 * Fits a sentiment model on labelled texts. Thresholds come from out-of-fold scores: `positive` maximises
 * balanced accuracy, `negative` is the highest cut below which `negativePrecision` of rows are not positive.
 *
 * @example
 * const model = trainSentimentModel({ texts, labels: Uint8Array.from(stars, (s) => +(s === 5)) });
 */
export function trainSentimentModel(options: TrainOptions): SentimentModel {
  const prepared = prepare(options);
  const { language, features, logistic, folds, minDocFreq, rows, y, dimension } = prepared;
  const outOfFold = outOfFoldScores(prepared);
  const positive = bestBalancedThreshold(outOfFold, options.labels);
  const negative = Math.min(positive, negativePrecisionThreshold(outOfFold, options.labels, options.negativePrecision ?? DEFAULTS.negativePrecision));
  const cv = confusion(outOfFold, options.labels, positive);

  const fitted = fitLogistic(rows, y, dimension, logistic);
  return new SentimentModel({
    language,
    features,
    thresholds: { negative: round(Math.max(negative, -1)), positive: round(positive) },
    weights: fitted.weights,
    bias: fitted.bias,
    training: {
      ...options.source,
      rows: rows.length,
      minDocFreq,
      positives: options.labels.reduce((a, b) => a + b, 0),
      logistic,
      crossValidation: { folds, balancedAccuracy: round(balancedAccuracy(cv)), rocAuc: round(rocAuc(outOfFold, options.labels)) },
    },
  });
}

/**
 * The score in [-1, 1] of every text from the fold model that did not see it (row i is in fold i mod `folds`):
 * what `trainSentimentModel` picks its thresholds on, for figures on any slice of the training file.
 *
 * @example
 * const scores = crossValidateSentiment({ texts, labels, language: 'zh' });
 */
export function crossValidateSentiment(options: TrainOptions): Float64Array {
  return outOfFoldScores(prepare(options));
}

type Prepared = ReturnType<typeof prepare>;

/** Settings with their defaults, and the featurized rows. */
function prepare(options: TrainOptions) {
  const language = options.language ?? DEFAULTS.language;
  const features = { ...DEFAULT_FEATURES, ...LANGUAGE_FEATURES[language], ...options.features };
  const logistic = { ...DEFAULT_LOGISTIC, ...options.logistic };
  const folds = options.folds ?? DEFAULTS.folds;
  const minDocFreq = options.minDocFreq ?? LANGUAGE_DEFAULTS[language]?.minDocFreq ?? DEFAULTS.minDocFreq;
  const kit = languageKit(language);
  const dimension = dimensionOf(features);
  const rows = dropRareSlots(
    options.texts.map((text) => featurize(analyzeText(text, kit), features)),
    dimension,
    minDocFreq,
  );
  return { language, features, logistic, folds, minDocFreq, rows, y: Float64Array.from(options.labels), dimension };
}

function outOfFoldScores({ rows, y, dimension, logistic, folds }: Prepared): Float64Array {
  const outOfFold = new Float64Array(rows.length);
  for (let fold = 0; fold < folds; fold++) {
    const inFold = (i: number) => i % folds === fold;
    const train = rows.filter((_, i) => !inFold(i));
    const fitted = fitLogistic(train, y.filter((_, i) => !inFold(i)), dimension, logistic);
    rows.forEach((row, i) => {
      if (inFold(i)) outOfFold[i] = scoreRow(fitted, row);
    });
  }
  return outOfFold;
}

/** Keeps the slots present in at least `minDocFreq` rows (dense slots always are). */
function dropRareSlots(rows: SparseRow[], dimension: number, minDocFreq: number): SparseRow[] {
  const docFreq = new Int32Array(dimension);
  for (const row of rows) for (const slot of row.indices) docFreq[slot]++;
  return rows.map(({ indices, values }) => {
    const keep = Int32Array.from(indices.keys()).filter((k) => docFreq[indices[k]] >= minDocFreq);
    return { indices: Int32Array.from(keep, (k) => indices[k]), values: Float64Array.from(keep, (k) => values[k]) };
  });
}

function scoreRow(model: { weights: Float64Array; bias: number }, row: SparseRow): number {
  return 2 * sigmoid(logit(model, row)) - 1;
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
