/**
 * The churn model: preprocessing + the winning network + calibration, as one JSON-serializable object.
 * `train` fits every candidate on the same split and keeps the one with the best validation AUC.
 */
import { initBackend, type BackendName } from './backend.ts';
import { applyCalibrator, chooseCalibrator, type Calibrator } from './calibration.ts';
import { logLoss } from './metrics.ts';
import { forward, trainNetwork, type Network, type NetworkKind, type TrainNetworkOptions } from './network.ts';
import { fitPreprocessor, transform, type FeatureRow, type Preprocessor } from './preprocess.ts';
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
  hiddenUnits?: number;
  l2?: number;
  /** Adam learning rate per candidate. */
  learningRate?: Partial<Record<NetworkKind, number>>;
}

/** Defaults: measured on the telecom table (models/churn/README.md); batch size matters more than epochs. */
export const TRAIN_DEFAULTS = {
  candidates: ['logistic', 'mlp'] as NetworkKind[],
  validationFraction: 0.2,
  seed: 42,
  maxEpochs: 60,
  batchSize: 512,
  patience: 6,
  hiddenUnits: 16,
  l2: 1e-3,
  learningRate: { logistic: 0.05, mlp: 0.01 } as Record<NetworkKind, number>,
};

export interface CandidateSummary {
  kind: NetworkKind;
  validationAuc: number;
  validationLogLoss: number;
  bestEpoch: number;
  epochsRun: number;
}

export interface ChurnModelJSON {
  format: 'tierlab-churn';
  version: 1;
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

  static fromJSON(json: ChurnModelJSON): ChurnModel {
    if (json?.format !== 'tierlab-churn' || json.version !== 1) throw new Error('not a tierlab churn model (format/version)');
    return new ChurnModel(json);
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
    return forward(this.json.network, transform(this.json.preprocessor, rows));
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
  const settings = { ...TRAIN_DEFAULTS, ...options, learningRate: { ...TRAIN_DEFAULTS.learningRate, ...options.learningRate } };
  const { tf, backend } = await initBackend();
  const split = stratifiedSplit(data.labels, { testFraction: settings.validationFraction, seed: settings.seed });
  const fit = subset(data, split.train);
  const valid = subset(data, split.test);
  const preprocessor = fitPreprocessor(fit.rows);
  const xFit = transform(preprocessor, fit.rows);
  const xValid = transform(preprocessor, valid.rows);
  const positives = fit.labels.reduce((s, y) => s + y, 0);
  const positiveWeight = positives > 0 ? (fit.labels.length - positives) / positives : 1;

  const trained = [];
  for (const kind of settings.candidates) {
    const networkOptions: TrainNetworkOptions = {
      kind,
      hiddenUnits: settings.hiddenUnits,
      maxEpochs: settings.maxEpochs,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate[kind],
      l2: settings.l2,
      patience: settings.patience,
      seed: settings.seed,
      positiveWeight,
    };
    const result = await trainNetwork(tf, xFit, fit.labels, { x: xValid, y: valid.labels }, networkOptions);
    const validationLogLoss = logLoss(forward(result.network, xValid), valid.labels);
    trained.push({ ...result, summary: { kind, validationAuc: result.validationAuc, validationLogLoss, bestEpoch: result.bestEpoch, epochsRun: result.epochsRun } });
  }
  const winner = trained.reduce((a, b) => (b.validationAuc > a.validationAuc ? b : a));
  const { calibrator, logLossByKind } = chooseCalibrator(forward(winner.network, xValid), valid.labels);
  return new ChurnModel({
    format: 'tierlab-churn',
    version: 1,
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

