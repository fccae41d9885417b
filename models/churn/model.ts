/**
 * The churn model: preprocessing + the winning network + calibration, as one JSON-serializable object.
 * `train` fits every candidate on the same split and keeps the one with the best validation AUC.
 */
import { initBackend, type BackendName } from './backend.ts';
import { applyCalibrator, chooseCalibrator, type Calibrator } from './calibration.ts';
import { logLoss } from './metrics.ts';
import { forward, trainNetwork, type Network, type NetworkKind, type TrainNetworkOptions } from './network.ts';
import { fitPreprocessor, transform, type CategoricalColumn, type FeatureRow, type FitPreprocessorOptions, type InputSet, type Preprocessor } from './preprocess.ts';
import { stratifiedSplit } from './random.ts';

/** Rows with their 0/1 churn labels, one per customer. */
export interface Dataset {
  ids: string[];
  rows: FeatureRow[];
  labels: Float64Array;
}

export interface TrainOptions {
  /** Candidates to fit; the best on validation AUC wins. */
  candidates?: NetworkKind[];
  /** Share of the training rows held back (stratified) for early stopping, model choice and calibration. */
  validationFraction?: number;
  seed?: number;
  maxEpochs?: number;
  batchSize?: number;
  patience?: number;
  /** Units of each hidden layer of the MLP. */
  hiddenUnits?: number[];
  /** L2 penalty on kernels, per candidate. */
  l2?: Partial<Record<NetworkKind, number>>;
  /** Adam learning rate per candidate. */
  learningRate?: Partial<Record<NetworkKind, number>>;
  preprocess?: FitPreprocessorOptions;
}

/** Defaults: measured on two telecom tables and the retail log (models/churn/README.md); batch size matters more
 * than epochs. */
export const TRAIN_DEFAULTS = {
  candidates: ['logistic', 'mlp'] as NetworkKind[],
  validationFraction: 0.2,
  seed: 42,
  maxEpochs: 100,
  batchSize: 512,
  patience: 6,
  hiddenUnits: [32, 16],
  l2: { logistic: 1e-3, mlp: 1e-2 } as Record<NetworkKind, number>,
  learningRate: { logistic: 0.05, mlp: 0.01 } as Record<NetworkKind, number>,
};

/** The logistic candidate reads the hinges too (an additive model); the MLP makes its own curves. */
const INPUTS: Record<NetworkKind, InputSet> = { logistic: 'additive', mlp: 'compact' };

export interface CandidateSummary {
  kind: NetworkKind;
  validationAuc: number;
  validationLogLoss: number;
  bestEpoch: number;
  epochsRun: number;
}

export interface ChurnModelJSON {
  format: 'tierlab-churn';
  version: 2;
  preprocessor: Preprocessor;
  network: Network;
  calibrator: Calibrator;
  /** Why this network: every candidate's validation figures. */
  selection: { chosen: NetworkKind; candidates: CandidateSummary[]; calibration: Record<string, number> };
  backend: BackendName;
  trainedRows: number;
  positiveRate: number;
  seed: number;
}

/** What version 1 saved: one scaled value per numeric column (log1p'd or not), networks without an input set. */
interface ChurnModelJSONV1 extends Omit<ChurnModelJSON, 'version' | 'preprocessor' | 'network'> {
  version: 1;
  preprocessor: { columns: ({ kind: 'numeric'; name: string; median: number; log: boolean; mean: number; std: number; missingIndicator: boolean } | CategoricalColumn)[] };
  network: Omit<Network, 'inputs'>;
}

/** Older registry versions hold version 1 models; they read as version 2 with one unclamped term per column (the
 * widest finite range, so a re-saved copy survives JSON). */
function upgradeV1(json: ChurnModelJSONV1): ChurnModelJSON {
  const columns = json.preprocessor.columns.map((c) =>
    c.kind === 'categorical'
      ? c
      : { kind: c.kind, name: c.name, median: c.median, min: -Number.MAX_VALUE, max: Number.MAX_VALUE, terms: [{ transform: c.log ? ('log1p' as const) : ('raw' as const), mean: c.mean, std: c.std }], missingIndicator: c.missingIndicator },
  );
  return { ...json, version: 2, preprocessor: { columns }, network: { ...json.network, inputs: 'compact' } };
}

/**
 * A trained churn model. Scoring is synchronous and backend-free.
 *
 * @example
 * const model = await train(dataset);
 * const again = ChurnModel.fromJSON(JSON.parse(JSON.stringify(model)));
 * again.predict(dataset.rows); // same probabilities
 */
export class ChurnModel {
  readonly json: ChurnModelJSON;

  constructor(json: ChurnModelJSON) {
    this.json = json;
  }

  static fromJSON(json: ChurnModelJSON | ChurnModelJSONV1): ChurnModel {
    if (json?.format !== 'tierlab-churn' || (json.version !== 1 && json.version !== 2)) throw new Error('not a tierlab churn model (format/version)');
    return new ChurnModel(json.version === 1 ? upgradeV1(json) : json);
  }

  toJSON(): ChurnModelJSON {
    return this.json;
  }

  /** Calibrated churn probabilities, one per row. */
  predict(rows: FeatureRow[]): Float64Array {
    return applyCalibrator(this.json.calibrator, this.predictRaw(rows));
  }

  /** The network's own probabilities, before calibration. */
  predictRaw(rows: FeatureRow[]): Float64Array {
    return forward(this.json.network, transform(this.json.preprocessor, rows, this.json.network.inputs));
  }
}

/** The rows at `idx`, in that order. */
export function subset(data: Dataset, idx: Int32Array | number[]): Dataset {
  return { ids: Array.from(idx, (i) => data.ids[i]), rows: Array.from(idx, (i) => data.rows[i]), labels: Float64Array.from(idx, (i) => data.labels[i]) };
}

/**
 * Trains the churn model: preprocessing fitted on the training part only, every candidate early-stopped on the
 * validation part with balanced class weights, the best validation AUC kept, then calibrated if that lowers
 * validation log loss.
 *
 * @example
 * const model = await train({ ids, rows, labels }, { seed: 7 });
 * console.log(model.json.selection.chosen); // 'logistic' | 'mlp'
 */
export async function train(data: Dataset, options: TrainOptions = {}): Promise<ChurnModel> {
  const settings = { ...TRAIN_DEFAULTS, ...options, l2: { ...TRAIN_DEFAULTS.l2, ...options.l2 }, learningRate: { ...TRAIN_DEFAULTS.learningRate, ...options.learningRate } };
  const { tf, backend } = await initBackend();
  const split = stratifiedSplit(data.labels, { testFraction: settings.validationFraction, seed: settings.seed });
  const fit = subset(data, split.train);
  const valid = subset(data, split.test);
  const preprocessor = fitPreprocessor(fit.rows, options.preprocess);
  const encode = (rows: FeatureRow[]) => ({ additive: transform(preprocessor, rows, 'additive'), compact: transform(preprocessor, rows, 'compact') });
  const xFit = encode(fit.rows);
  const xValid = encode(valid.rows);
  const positives = fit.labels.reduce((s, y) => s + y, 0);
  const positiveWeight = positives > 0 ? (fit.labels.length - positives) / positives : 1;

  const trained = [];
  for (const kind of settings.candidates) {
    const inputs = INPUTS[kind];
    const networkOptions: TrainNetworkOptions = {
      kind,
      inputs,
      hiddenUnits: settings.hiddenUnits,
      maxEpochs: settings.maxEpochs,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate[kind],
      l2: settings.l2[kind],
      patience: settings.patience,
      seed: settings.seed,
      positiveWeight,
    };
    const result = await trainNetwork(tf, xFit[inputs], fit.labels, { x: xValid[inputs], y: valid.labels }, networkOptions);
    const validationLogLoss = logLoss(forward(result.network, xValid[inputs]), valid.labels);
    trained.push({ ...result, summary: { kind, validationAuc: result.validationAuc, validationLogLoss, bestEpoch: result.bestEpoch, epochsRun: result.epochsRun } });
  }
  const winner = trained.reduce((a, b) => (b.validationAuc > a.validationAuc ? b : a));
  const { calibrator, logLossByKind } = chooseCalibrator(forward(winner.network, xValid[winner.network.inputs]), valid.labels);
  return new ChurnModel({
    format: 'tierlab-churn',
    version: 2,
    preprocessor,
    network: winner.network,
    calibrator,
    selection: { chosen: winner.network.kind, candidates: trained.map((t) => t.summary), calibration: logLossByKind },
    backend,
    trainedRows: fit.rows.length,
    positiveRate: positives / fit.labels.length,
    seed: settings.seed,
  });
}

