/**
 * Logistic regression over sparse rows: a pure kernel on typed arrays. AdaGrad SGD with L2 applied to the
 * slots a row touches: a few passes over a few thousand rows fit in well under a second.
 */
import type { SparseRow } from './features.ts';

export interface LogisticOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  /** Seeds the row order, so a fit is reproducible. */
  seed: number;
}

export const DEFAULT_LOGISTIC: LogisticOptions = { epochs: 6, learningRate: 0.2, l2: 1e-4, seed: 7 };

export interface LogisticWeights {
  /** One weight per slot. */
  weights: Float64Array;
  bias: number;
}

/** The linear score w·x + b of one row. */
export function logit(model: LogisticWeights, row: SparseRow): number {
  let sum = model.bias;
  const { indices, values } = row;
  for (let k = 0; k < indices.length; k++) sum += model.weights[indices[k]] * values[k];
  return sum;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** mulberry32: small seeded generator for the row order. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fits weights for `rows` with 0/1 targets `y` in a space of `dimension` slots.
 *
 * @example
 * const model = fitLogistic(rows, Float64Array.from([1, 0]), 2 ** 18 + 3, DEFAULT_LOGISTIC);
 * sigmoid(logit(model, rows[0])); // probability of the positive class
 */
export function fitLogistic(rows: SparseRow[], y: Float64Array, dimension: number, options: LogisticOptions): LogisticWeights {
  const weights = new Float64Array(dimension);
  const squares = new Float64Array(dimension);
  let bias = 0;
  let biasSquares = 0;
  const order = Int32Array.from(rows.keys());
  const next = random(options.seed);
  const eps = 1e-8;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const r of order) {
      const row = rows[r];
      const error = sigmoid(logit({ weights, bias }, row)) - y[r];
      const { indices, values } = row;
      for (let k = 0; k < indices.length; k++) {
        const slot = indices[k];
        const gradient = error * values[k] + options.l2 * weights[slot];
        squares[slot] += gradient * gradient;
        weights[slot] -= (options.learningRate * gradient) / Math.sqrt(squares[slot] + eps);
      }
      biasSquares += error * error;
      bias -= (options.learningRate * error) / Math.sqrt(biasSquares + eps);
    }
  }
  return { weights, bias };
}
