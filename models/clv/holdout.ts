/**
 * Calibration/holdout check as in Fader, Hardie and Lee (2005): fit on the calibration period, predict each
 * customer's repeat purchases over the holdout period, and compare with what they did (evaluate.ts), for every
 * purchase model and for the naive baseline on the same customers.
 */
import { PURCHASE_MODELS } from './catalog.ts';
import { modelPredictions, naivePredictions, scorePredictions, type PredictionScore } from './evaluate.ts';
import { fitPurchaseModel, type PurchaseFit, type PurchaseModel, type PurchaseModelName } from './purchase.ts';
import { dayOfDate, parseDate } from '../../data/dates.ts';
import { UNIT_DAYS, orderDays, summarize, type CustomerSummary, type TimeUnit, type TransactionArrays } from './summary.ts';

export interface HoldoutOptions {
  /** End of calibration (exclusive, 'YYYY-MM-DD'); the holdout is [calibrationEnd, calibrationEnd + holdoutDays). */
  calibrationEnd: string;
  holdoutDays: number;
  /** Default 'week'. */
  unit?: TimeUnit;
  /** Default: every model of the catalog. */
  models?: readonly PurchaseModel[];
}

export interface ModelScore {
  model: PurchaseModelName;
  label: string;
  /** The fit on the calibration period; a model whose fit failed outright is left out of the comparison. */
  fit: PurchaseFit;
  score: PredictionScore;
}

export interface HoldoutComparison {
  calibrationEnd: string;
  holdoutDays: number;
  unit: TimeUnit;
  /** Customers with an order in the calibration period: the ones predicted and scored. */
  customers: number;
  /** Each customer repeating their own calibration rate x / T. */
  naive: PredictionScore;
  models: ModelScore[];
}

/**
 * Fits every model on the calibration period of `tx` and scores each, and the naive baseline, on the holdout.
 *
 * @example
 * const c = compareOnHoldout(tx, { calibrationEnd: '1997-10-01', holdoutDays: 273, unit: 'week' });
 * c.naive.mae; c.models.map((m) => [m.label, m.score.mae]);
 */
export function compareOnHoldout(tx: TransactionArrays, options: HoldoutOptions): HoldoutComparison {
  const unit = options.unit ?? 'week';
  const calibration = summarize(tx, { asOf: options.calibrationEnd, unit });
  const start = dayOfDate(parseDate(options.calibrationEnd, 'calibrationEnd'));
  const holdout = orderDays(tx, { fromDay: start, toDay: start + options.holdoutDays });
  const actual = Float64Array.from(calibration.customerIds, (id) => holdout.get(id)?.length ?? 0);
  const t = options.holdoutDays / UNIT_DAYS[unit];
  const score = (predicted: Float64Array) => scorePredictions(predicted, actual, calibration.frequency);
  return {
    calibrationEnd: options.calibrationEnd,
    holdoutDays: options.holdoutDays,
    unit,
    customers: calibration.customerIds.length,
    naive: score(naivePredictions(calibration, t)),
    models: (options.models ?? PURCHASE_MODELS).flatMap((model) => {
      const fit = tryFit(model, calibration);
      return fit ? [{ model: model.name, label: model.label, fit, score: score(modelPredictions(model, fit.params, calibration, t)) }] : [];
    }),
  };
}

/** A fit, or undefined when the data give the model nothing to fit (e.g. no customer at all). */
function tryFit(model: PurchaseModel, calibration: CustomerSummary): PurchaseFit | undefined {
  try {
    return fitPurchaseModel(model, calibration);
  } catch {
    return undefined;
  }
}
