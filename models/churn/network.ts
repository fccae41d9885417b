/**
 * The two candidate networks (logistic regression = one sigmoid unit; a small MLP), trained with TensorFlow.js
 * and scored by a plain forward pass over `Float64Array`, so scoring needs no backend and gives the same numbers
 * before and after a save.
 */
import type { Tf } from './backend.ts';
import type { InputSet, Matrix } from './preprocess.ts';
import { rocAuc } from './metrics.ts';
import { seededRandom, shuffleInPlace } from './random.ts';

export interface DenseLayer {
  units: number;
  activation: 'relu' | 'sigmoid';
  /** Row-major [inputs x units]. */
  kernel: number[];
  bias: number[];
}

export type NetworkKind = 'logistic' | 'mlp';

export interface Network {
  kind: NetworkKind;
  /** The preprocessor's input set this network reads. */
  inputs: InputSet;
  inputSize: number;
  layers: DenseLayer[];
}

/**
 * Churn probabilities for an encoded matrix.
 *
 * @example
 * const p = forward(network, transform(prep, rows));
 */
export function forward(network: Network, x: Matrix): Float64Array {
  let input = x.data;
  let width = x.cols;
  for (const layer of network.layers) {
    const out = new Float64Array(x.rows * layer.units);
    for (let r = 0; r < x.rows; r++) {
      for (let u = 0; u < layer.units; u++) {
        let z = layer.bias[u];
        for (let i = 0; i < width; i++) z += input[r * width + i] * layer.kernel[i * layer.units + u];
        out[r * layer.units + u] = layer.activation === 'relu' ? Math.max(0, z) : 1 / (1 + Math.exp(-z));
      }
    }
    input = out;
    width = layer.units;
  }
  return input;
}

export interface TrainNetworkOptions {
  kind: NetworkKind;
  /** Recorded in the network: which input set `x` was encoded with. */
  inputs: InputSet;
  /** Units of each hidden ReLU layer of the MLP (ignored for logistic). */
  hiddenUnits: number[];
  /** With validation rows: the most epochs; without: exactly this many (a refit with the epochs CV chose). */
  maxEpochs: number;
  batchSize: number;
  learningRate: number;
  /** L2 penalty on kernels. */
  l2: number;
  /** Stop after this many epochs without a better validation AUC. */
  patience: number;
  seed: number;
  /** Weight of positive rows relative to negatives (class imbalance). */
  positiveWeight: number;
}

export interface TrainedNetwork {
  /** The weights after the last epoch run. */
  network: Network;
  epochsRun: number;
  /** Validation AUC after each epoch (empty without validation rows). */
  curve: number[];
  /** Validation probabilities after each epoch, so the caller can take any epoch (the one best over folds). */
  predictions: Float64Array[];
}

function toNetwork(kind: NetworkKind, inputs: InputSet, inputSize: number, weights: Float32Array[], activations: DenseLayer['activation'][]): Network {
  const layers: DenseLayer[] = activations.map((activation, l) => ({
    units: weights[2 * l + 1].length,
    activation,
    kernel: Array.from(weights[2 * l]),
    bias: Array.from(weights[2 * l + 1]),
  }));
  return { kind, inputs, inputSize, layers };
}

/**
 * Trains one candidate with Adam on seeded mini-batches. With validation rows it records the validation AUC
 * and probabilities after every epoch and stops `patience` epochs after the best; without, it runs exactly
 * `maxEpochs` epochs (the refit on every training row, with the epoch count the inner folds chose).
 *
 * @example
 * const { curve, predictions } = await trainNetwork(tf, xFold, yFold, { x: xValid, y: yValid }, { kind: 'mlp', ... });
 * const { network } = await trainNetwork(tf, xAll, yAll, undefined, { kind: 'mlp', maxEpochs: 23, ... });
 */
export async function trainNetwork(tf: Tf, x: Matrix, y: Float64Array, validation: { x: Matrix; y: Float64Array } | undefined, options: TrainNetworkOptions): Promise<TrainedNetwork> {
  const regularizer = options.l2 > 0 ? tf.regularizers.l2({ l2: options.l2 }) : undefined;
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: options.seed + offset });
  const hidden = options.kind === 'mlp' ? options.hiddenUnits : [];
  const activations: DenseLayer['activation'][] = [...hidden.map(() => 'relu' as const), 'sigmoid'];
  const model = tf.sequential();
  [...hidden, 1].forEach((units, l) => {
    model.add(tf.layers.dense({
      ...(l === 0 ? { inputShape: [x.cols] } : {}),
      units,
      activation: activations[l],
      kernelInitializer: init(l + 1),
      kernelRegularizer: regularizer,
    }));
  });
  model.compile({ optimizer: tf.train.adam(options.learningRate), loss: 'binaryCrossentropy' });

  const xs = tf.tensor2d(Float32Array.from(x.data), [x.rows, x.cols]);
  const ys = tf.tensor2d(Float32Array.from(y), [x.rows, 1]);
  const next = seededRandom(options.seed);
  const order = Int32Array.from(y.keys());
  const curve: number[] = [];
  const predictions: Float64Array[] = [];
  const weightsNow = () => toNetwork(options.kind, options.inputs, x.cols, model.getWeights().map((w) => w.dataSync() as Float32Array), activations);
  let best = -Infinity;
  let bestEpoch = 0;
  let epoch = 0;
  try {
    while (epoch < options.maxEpochs) {
      // tf's own shuffle uses Math.random; ours is seeded so a run repeats exactly on one backend.
      const idx = tf.tensor1d(shuffleInPlace(order, next), 'int32');
      const [bx, by] = [tf.gather(xs, idx), tf.gather(ys, idx)];
      await model.fit(bx, by, { epochs: 1, batchSize: options.batchSize, shuffle: false, verbose: 0, classWeight: { 0: 1, 1: options.positiveWeight } });
      tf.dispose([idx, bx, by]);
      epoch++;
      if (!validation) continue;
      const p = forward(weightsNow(), validation.x);
      const auc = rocAuc(p, validation.y);
      curve.push(auc);
      predictions.push(p);
      if (auc > best + 1e-5) {
        best = auc;
        bestEpoch = epoch;
      } else if (epoch - bestEpoch >= options.patience) break;
    }
    return { network: weightsNow(), epochsRun: epoch, curve, predictions };
  } finally {
    tf.dispose([xs, ys]);
    model.dispose();
  }
}
