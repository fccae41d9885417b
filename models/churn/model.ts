/**
 * The churn model: one member or a blend of members (gradient-boosted trees, a logistic regression, an MLP),
 * chosen by inner cross-validation, refitted on every training row, plus calibration, as one JSON-serializable
 * object. Scoring needs no TensorFlow.
 */
import { initBackend, type BackendName } from './backend.ts';
import { fitBands, LEGACY_BANDS, type BandOptions, type RiskBands } from './bands.ts';
import { applyCalibrator, chooseCalibrator, type Calibrator } from './calibration.ts';
import { networkCandidate, treeCandidate, memberMargins, memberProbabilities, type Candidate, type Dataset, type Member, type MemberKind } from './candidates.ts';
import { columnKinds, rowTable, type ColumnKind, type FeatureRow, type FeatureTable } from './columns.ts';
import { Booster, BOOSTER_DEFAULTS, type BoosterOptions } from './gbdt/booster.ts';
import type { Network } from './network.ts';
import type { CategoricalColumn, FitPreprocessorOptions, Preprocessor } from './preprocess.ts';
import { PROTECTED_WORDS, protectedNames, type ProtectedOptions } from './protected.ts';
import { combineMargins, selectByInnerCV, type Selection } from './select.ts';

export type { Dataset, Member, MemberKind } from './candidates.ts';

export interface TrainOptions {
  /** Candidate kinds; each is judged alone and in blends with the others by inner cross-validation. */
  candidates?: MemberKind[];
  /** Inner folds on the training rows for choosing the candidate and its epochs/rounds. */
  innerFolds?: number;
  seed?: number;
  /** Network training, one number for both networks or one per network kind. */
  maxEpochs?: PerNetwork<number>;
  /** Rows per Adam step; at least the row count means full-batch steps. */
  batchSize?: PerNetwork<number>;
  patience?: PerNetwork<number>;
  /** Units of each hidden layer of the MLP. */
  hiddenUnits?: number[];
  /** L2 penalty on kernels, per network candidate. */
  l2?: Partial<Record<'logistic' | 'mlp', number>>;
  /** Adam learning rate per network candidate. */
  learningRate?: Partial<Record<'logistic' | 'mlp', number>>;
  /** Gradient-boosted trees settings (models/churn/gbdt/booster.ts). */
  trees?: Partial<BoosterOptions>;
  preprocess?: FitPreprocessorOptions;
  /** Protected columns: left out of the model unless `use`, never reasons. */
  protected?: ProtectedOptions;
  /** How the risk bands are set against the base rate (bands.ts). */
  bands?: BandOptions;
}

type NetworkKind = 'logistic' | 'mlp';
export type PerNetwork<T> = T | Partial<Record<NetworkKind, T>>;

function forKind<T>(value: PerNetwork<T> | undefined, fallback: Record<NetworkKind, T>, kind: NetworkKind): T {
  if (value === undefined) return fallback[kind];
  return typeof value === 'object' && value !== null ? ((value as Partial<Record<NetworkKind, T>>)[kind] ?? fallback[kind]) : (value as T);
}

/** Defaults: measured on two telecom tables and the retail log together (models/churn/README.md). */
export const TRAIN_DEFAULTS = {
  candidates: ['gbdt', 'logistic'] as MemberKind[],
  innerFolds: 3,
  seed: 42,
  maxEpochs: { logistic: 400, mlp: 100 } as Record<NetworkKind, number>,
  batchSize: { logistic: Number.MAX_SAFE_INTEGER, mlp: 512 } as Record<NetworkKind, number>,
  patience: { logistic: 20, mlp: 6 } as Record<NetworkKind, number>,
  hiddenUnits: [32, 16],
  l2: { logistic: 1e-3, mlp: 1e-2 } as Record<'logistic' | 'mlp', number>,
  learningRate: { logistic: 0.05, mlp: 0.01 } as Record<'logistic' | 'mlp', number>,
  trees: BOOSTER_DEFAULTS as Partial<BoosterOptions>,
};

/** A feature the model reads, with its typical value (numbers: the training median) for reason texts. */
export interface ModelFeature extends ColumnKind {
  median?: number;
}

export interface ChurnModelJSON {
  format: 'tierlab-churn';
  version: 3;
  /** One member, or several whose log-odds are averaged. */
  members: Member[];
  calibrator: Calibrator;
  /** Risk band thresholds on the calibrated probability (bands.ts). */
  bands: RiskBands;
  /** Why these members: every candidate's inner-CV figures, the steps and the calibration's log losses. */
  selection: Selection;
  features: ModelFeature[];
  /** The protected words in force, the training columns they matched, and whether those went into the model. */
  protected: { words: string[]; columns: string[]; inModel: boolean };
  backend: BackendName | 'none';
  trainedRows: number;
  positiveRate: number;
  seed: number;
}

/** Format 2: one network over one preprocessor, chosen on a 20% validation split. */
interface ChurnModelJSONV2 extends Omit<ChurnModelJSON, 'version' | 'members' | 'selection' | 'features' | 'protected' | 'bands'> {
  version: 2;
  preprocessor: Preprocessor;
  network: Network;
  selection: { chosen: MemberKind; candidates: { kind: MemberKind; validationAuc: number }[]; calibration: Record<string, number> };
}

/** What version 1 saved: one scaled value per numeric column (log1p'd or not), networks without an input set. */
interface ChurnModelJSONV1 extends Omit<ChurnModelJSONV2, 'version' | 'preprocessor' | 'network'> {
  version: 1;
  preprocessor: { columns: ({ kind: 'numeric'; name: string; median: number; log: boolean; mean: number; std: number; missingIndicator: boolean } | CategoricalColumn)[] };
  network: Omit<Network, 'inputs'>;
}

/** Older registry versions hold version 1 models; they read as version 2 with one unclamped term per column (the
 * widest finite range, so a re-saved copy survives JSON). */
function upgradeV1(json: ChurnModelJSONV1): ChurnModelJSONV2 {
  const columns = json.preprocessor.columns.map((c) =>
    c.kind === 'categorical'
      ? c
      : { kind: c.kind, name: c.name, median: c.median, min: -Number.MAX_VALUE, max: Number.MAX_VALUE, terms: [{ transform: c.log ? ('log1p' as const) : ('raw' as const), mean: c.mean, std: c.std }], missingIndicator: c.missingIndicator },
  );
  return { ...json, version: 2, preprocessor: { columns }, network: { ...json.network, inputs: 'compact' } };
}

/** Format 2 as format 3: its network as the only member; its validation figures as the selection. */
function upgradeV2(json: ChurnModelJSONV2): ChurnModelJSON {
  const { preprocessor, network, selection, ...rest } = json;
  const features = preprocessor.columns.map((c) => (c.kind === 'numeric' ? { name: c.name, kind: c.kind, median: c.median } : { name: c.name, kind: c.kind }));
  return {
    ...rest,
    version: 3,
    members: [{ kind: network.kind, preprocessor, network } as Member],
    selection: {
      method: 'a 20% validation split (format 2)',
      folds: 0,
      chosen: selection.chosen,
      steps: {},
      candidates: selection.candidates.map((c) => ({ name: c.kind, members: [c.kind], foldAuc: [c.validationAuc], cvAuc: c.validationAuc, cvAucStd: 0 })),
      calibration: selection.calibration,
    },
    features,
    bands: { ...LEGACY_BANDS, baseRate: json.positiveRate },
    // Older models trained on every column; their protected ones are still never reasons.
    protected: { words: [...PROTECTED_WORDS], columns: protectedNames(features.map((f) => f.name)), inModel: true },
  };
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
  /** Parsed tree members, by member index (JSON is parsed once, not per call). */
  private readonly boosters: (Booster | undefined)[];

  constructor(json: ChurnModelJSON) {
    this.json = json;
    this.boosters = json.members.map((m) => (m.kind === 'gbdt' ? Booster.fromJSON(m.booster) : undefined));
  }

  static fromJSON(json: ChurnModelJSON | ChurnModelJSONV2 | ChurnModelJSONV1): ChurnModel {
    if (json?.format !== 'tierlab-churn' || ![1, 2, 3].includes(json.version)) throw new Error('not a tierlab churn model (format/version)');
    if (json.version === 1) return new ChurnModel(upgradeV2(upgradeV1(json)));
    return new ChurnModel(json.version === 2 ? upgradeV2(json) : json);
  }

  toJSON(): ChurnModelJSON {
    return this.json;
  }

  /** The parsed booster of member `i` (undefined for a network). */
  booster(i: number): Booster | undefined {
    return this.boosters[i];
  }

  /** Calibrated churn probabilities, one per row. */
  predict(rows: FeatureRow[]): Float64Array {
    return this.predictTable(this.tableOf(rows));
  }

  /** Calibrated churn probabilities of a table's rows (a bounded batch: networks encode it whole). */
  predictTable(table: FeatureTable): Float64Array {
    return applyCalibrator(this.json.calibrator, this.predictRaw(table));
  }

  /** Rows as a table of the model's features (every member reads its columns from it). */
  tableOf(rows: FeatureRow[]): FeatureTable {
    return rowTable(rows, this.json.features);
  }

  /** Each member's log-odds margins. */
  memberMargins(table: FeatureTable): Float64Array[] {
    return this.json.members.map((m, i) => memberMargins(m, table, this.boosters[i]));
  }

  /** Probabilities before calibration: a single member's own, or the sigmoid of the members' mean margin. */
  predictRaw(table: FeatureTable): Float64Array {
    const { members } = this.json;
    return members.length === 1 ? memberProbabilities(members[0], table, this.boosters[0]) : combineMargins(this.memberMargins(table));
  }
}

/** The rows at `idx`, in that order. */
export function subset(data: Dataset, idx: Int32Array | number[]): Dataset {
  return { ids: Array.from(idx, (i) => data.ids[i]), rows: Array.from(idx, (i) => data.rows[i]), labels: Float64Array.from(idx, (i) => data.labels[i]) };
}

function medianOf(values: number[]): number {
  const sorted = values.sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function withoutColumns(rows: FeatureRow[], drop: Set<string>): FeatureRow[] {
  if (!drop.size) return rows;
  return rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !drop.has(k))));
}

/** What training and a refit share: the settings, the rows without protected columns, the candidates. */
async function prepare(data: Dataset, options: TrainOptions) {
  const settings = { ...TRAIN_DEFAULTS, ...options, l2: { ...TRAIN_DEFAULTS.l2, ...options.l2 }, learningRate: { ...TRAIN_DEFAULTS.learningRate, ...options.learningRate } };
  const words = [...(options.protected?.words ?? PROTECTED_WORDS)];
  const inModel = options.protected?.use ?? false;
  const protectedColumns = protectedNames(columnKinds(data.rows).map((c) => c.name), words);
  const training: Dataset = { ...data, rows: inModel ? data.rows : withoutColumns(data.rows, new Set(protectedColumns)) };
  const needsTf = settings.candidates.some((k) => k !== 'gbdt');
  const { tf, backend } = needsTf ? await initBackend() : { tf: undefined, backend: 'none' as const };
  const candidates: Candidate[] = settings.candidates.map((kind) =>
    kind === 'gbdt'
      ? treeCandidate({ ...settings.trees, seed: settings.seed })
      : networkCandidate(kind, {
          tf: tf!,
          hiddenUnits: settings.hiddenUnits,
          maxEpochs: forKind(options.maxEpochs, TRAIN_DEFAULTS.maxEpochs, kind),
          batchSize: forKind(options.batchSize, TRAIN_DEFAULTS.batchSize, kind),
          patience: forKind(options.patience, TRAIN_DEFAULTS.patience, kind),
          seed: settings.seed,
          learningRate: settings.learningRate[kind],
          l2: settings.l2[kind],
          preprocess: settings.preprocess,
        }),
  );
  const refitMembers = async (members: MemberKind[], steps: Selection['steps']): Promise<Member[]> => {
    const out: Member[] = [];
    for (const kind of members) {
      const candidate = candidates.find((c) => c.kind === kind);
      if (!candidate) throw new Error(`the chosen member ${kind} is not among the candidates (${settings.candidates.join(', ')})`);
      out.push(await candidate.refit(training, steps[kind]!));
    }
    return out;
  };
  const features = (): ModelFeature[] =>
    columnKinds(training.rows).map((c) => {
      const present = c.kind === 'numeric' ? training.rows.map((r) => r[c.name]).filter((v): v is number => typeof v === 'number' && !Number.isNaN(v)) : [];
      return c.kind === 'numeric' && present.length ? { ...c, median: medianOf(present) } : c;
    });
  const positives = training.labels.reduce((s, y) => s + y, 0);
  const common = {
    format: 'tierlab-churn' as const,
    version: 3 as const,
    protected: { words, columns: protectedColumns, inModel },
    backend,
    trainedRows: training.rows.length,
    positiveRate: positives / training.labels.length,
    seed: settings.seed,
  };
  return { settings, training, candidates, refitMembers, features, common };
}

/**
 * Trains the churn model: protected columns left out (unless opted in), every candidate and blend judged by
 * inner K-fold cross-validation on the training rows (which also chooses each member's epochs or rounds),
 * calibration chosen on the winner's out-of-fold probabilities, then the winner's members refitted on every
 * training row with those epochs/rounds.
 *
 * @example
 * const model = await train({ ids, rows, labels }, { seed: 7 });
 * console.log(model.json.selection.chosen); // e.g. 'gbdt+logistic'
 */
export async function train(data: Dataset, options: TrainOptions = {}): Promise<ChurnModel> {
  const { settings, training, candidates, refitMembers, features, common } = await prepare(data, options);
  const { selection, probabilities } = await selectByInnerCV(training, candidates, { folds: settings.innerFolds, seed: settings.seed });
  const { calibrator, logLossByKind } = chooseCalibrator(probabilities, training.labels);
  const bands = fitBands(applyCalibrator(calibrator, probabilities), common.positiveRate, options.bands);
  const chosen = selection.candidates.find((c) => c.name === selection.chosen)!;
  const members = await refitMembers(chosen.members, selection.steps);
  return new ChurnModel({ ...common, members, calibrator, bands, selection: { ...selection, calibration: logLossByKind }, features: features() });
}

/**
 * A model with the members and steps another model chose (no inner cross-validation), refitted on `data`, its
 * calibration and risk bands fitted on `calibration`: labelled rows it was not trained on. The churn stage's
 * final model at scale: the evaluation model made the choice on a sample of the same size, and the rows left out
 * of the final sample calibrate it honestly, at about a quarter of the cost of choosing again.
 *
 * @example
 * const model = await refitChosen(sample, evalModel, leftOver, { seed: 42 });
 */
export async function refitChosen(data: Dataset, chosenBy: ChurnModel, calibration: Dataset, options: TrainOptions = {}): Promise<ChurnModel> {
  const { refitMembers, features, common } = await prepare(data, { ...options, candidates: chosenBy.json.members.map((m) => m.kind) });
  const { selection } = chosenBy.json;
  const members = await refitMembers(chosenBy.json.members.map((m) => m.kind), selection.steps);
  const uncalibrated = new ChurnModel({ ...common, members, calibrator: { kind: 'none' }, bands: LEGACY_BANDS, selection, features: features() });
  const raw = uncalibrated.predictRaw(uncalibrated.tableOf(calibration.rows));
  const { calibrator, logLossByKind } = chooseCalibrator(raw, calibration.labels);
  const baseRate = calibration.labels.reduce((s, y) => s + y, 0) / calibration.labels.length;
  const bands = fitBands(applyCalibrator(calibrator, raw), baseRate, options.bands);
  const method = `${selection.method}, made for the evaluation model and reused; calibrated on ${calibration.labels.length} labelled rows outside the training sample`;
  return new ChurnModel({ ...uncalibrated.json, calibrator, bands, selection: { ...selection, method, calibration: logLossByKind } });
}
