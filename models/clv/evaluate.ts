/**
 * How well predicted repeat purchases over a holdout period match what customers did: per customer (MAE, RMSE,
 * correlation), in total, and by number of calibration repeat purchases (0, 1, ..., 7+, the conditional-
 * expectation table of Fader, Hardie and Lee 2005). The same figures for the naive baseline, each customer
 * repeating their own past rate, so a model is never reported without what it has to beat.
 */
import type { PurchaseModel, PurchaseParams } from './purchase.ts';
import { groupRepeatData, type RepeatData } from './repeat-data.ts';

export interface FrequencyGroupScore {
  /** '0' ... '6', '7+': calibration repeat purchases. */
  frequency: string;
  customers: number;
  /** Mean holdout repeat purchases per customer of the group, predicted and observed. */
  predictedMean: number;
  actualMean: number;
  mae: number;
}

export interface PredictionScore {
  customers: number;
  /** Mean absolute error per customer: the figure models are chosen and judged by. */
  mae: number;
  rmse: number;
  /** Pearson correlation of predicted and actual purchases (NaN when either is constant). */
  correlation: number;
  predictedTotal: number;
  actualTotal: number;
  /** (predicted - actual) / actual over all customers: how far off a forecast of the total would be. */
  totalError: number;
  byFrequency: FrequencyGroupScore[];
}

const TOP_GROUP = 7;

/**
 * Scores predictions against actual holdout purchases; `frequency` is each customer's calibration x.
 *
 * @example
 * scorePredictions(Float64Array.of(1, 0), Float64Array.of(2, 0), Float64Array.of(3, 0)).mae; // 0.5
 */
export function scorePredictions(predicted: ArrayLike<number>, actual: ArrayLike<number>, frequency: ArrayLike<number>): PredictionScore {
  const n = predicted.length;
  const groups = Array.from({ length: TOP_GROUP + 1 }, () => ({ customers: 0, predicted: 0, actual: 0, absolute: 0 }));
  let predictedTotal = 0;
  let actualTotal = 0;
  let absolute = 0;
  let squared = 0;
  for (let i = 0; i < n; i++) {
    const error = predicted[i] - actual[i];
    const g = groups[Math.min(frequency[i], TOP_GROUP)];
    g.customers++;
    g.predicted += predicted[i];
    g.actual += actual[i];
    g.absolute += Math.abs(error);
    predictedTotal += predicted[i];
    actualTotal += actual[i];
    absolute += Math.abs(error);
    squared += error * error;
  }
  const meanPredicted = predictedTotal / n;
  const meanActual = actualTotal / n;
  let covariance = 0;
  let varPredicted = 0;
  let varActual = 0;
  for (let i = 0; i < n; i++) {
    covariance += (predicted[i] - meanPredicted) * (actual[i] - meanActual);
    varPredicted += (predicted[i] - meanPredicted) ** 2;
    varActual += (actual[i] - meanActual) ** 2;
  }
  return {
    customers: n,
    mae: n ? absolute / n : NaN,
    rmse: n ? Math.sqrt(squared / n) : NaN,
    correlation: varPredicted > 0 && varActual > 0 ? covariance / Math.sqrt(varPredicted * varActual) : NaN,
    predictedTotal,
    actualTotal,
    totalError: actualTotal > 0 ? (predictedTotal - actualTotal) / actualTotal : NaN,
    byFrequency: groups.map((g, k) => ({
      frequency: k === TOP_GROUP ? `${TOP_GROUP}+` : String(k),
      customers: g.customers,
      predictedMean: g.customers ? g.predicted / g.customers : NaN,
      actualMean: g.customers ? g.actual / g.customers : NaN,
      mae: g.customers ? g.absolute / g.customers : NaN,
    })),
  };
}

/**
 * The naive baseline: each customer repeats their own past rate, x / T per unit of time, over the next `t`
 * units (0 for a customer first seen on the last day, T = 0, who has no rate yet).
 *
 * @example
 * naivePredictions({ frequency: Float64Array.of(4, 0), recency: Float64Array.of(8, 0), age: Float64Array.of(10, 5) }, 5);
 * // Float64Array [2, 0]
 */
export function naivePredictions(data: RepeatData, t: number): Float64Array {
  return Float64Array.from(data.frequency, (x, i) => (data.age[i] > 0 ? (x / data.age[i]) * t : 0));
}

/**
 * A fitted model's expected purchases over the next `t` units for every customer (once per group of equal
 * customers).
 *
 * @example
 * const predicted = modelPredictions(BG_NBD, fit.params, calibration, 13);
 */
export function modelPredictions<P extends PurchaseParams>(model: PurchaseModel<P>, params: P, data: RepeatData, t: number): Float64Array {
  const groups = groupRepeatData(data);
  const expected = Float64Array.from(groups.weight, (_, k) => model.expectedPurchases(params, t, groups.frequency[k], groups.recency[k], groups.age[k]));
  return Float64Array.from(groups.groupOf, (k) => expected[k]);
}
