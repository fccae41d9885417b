/**
 * The gradient-boosted trees as one object: bins + trees + base margin, trained from raw columns, saved as plain
 * JSON, scored and explained without TensorFlow. The steps live one per file (bins, histogram, split, grow,
 * boost, predict, shap); see models/churn/gbdt/README.md for every choice and its measurement.
 */
import { binColumns, binCount, fitBins, type BinOptions, type ColumnBins, type RawColumn } from './bins.ts';
import { boost, type BoostOptions } from './boost.ts';
import type { Schema } from './grow.ts';
import { predictMargins } from './predict.ts';
import { treeShap } from './shap.ts';
import { treeFromJSON, treeToJSON, type Tree, type TreeJSON } from './tree.ts';

export type { RawColumn } from './bins.ts';

export type BoosterOptions = BoostOptions & Required<Pick<BinOptions, 'maxBins' | 'minLevelCount'>>;

/** Defaults, chosen on the three churn tables together (README): scikit-learn HistGradientBoosting's shape
 * (31 leaves, 20 rows a leaf, 255 value bins) with LightGBM's categorical handling, 70% of the features per tree
 * and learning rate 0.05 (mlc_churn 5-fold 0.9164 -> 0.9181 -> 0.9210). */
export const BOOSTER_DEFAULTS: BoosterOptions = {
  learningRate: 0.05,
  maxRounds: 500,
  maxLeaves: 31,
  maxDepth: 0,
  minSamplesLeaf: 20,
  minHessianLeaf: 1e-3,
  l2: 1,
  minGain: 0,
  maxCatToOnehot: 4,
  maxCatThreshold: 32,
  catSmooth: 10,
  catL2: 10,
  minCatRows: 10,
  rowSubsample: 1,
  featureSubsample: 0.7,
  patience: 10,
  tolerance: 1e-7,
  seed: 0,
  maxBins: 256,
  minLevelCount: 5,
};

export interface BoosterJSON {
  format: 'tierlab-gbdt';
  version: 1;
  bins: ColumnBins[];
  baseMargin: number;
  trees: TreeJSON[];
}

export interface LabelledColumns {
  columns: RawColumn[];
  labels: Float64Array;
}

function schemaOf(bins: ColumnBins[]): Schema {
  return { categorical: Uint8Array.from(bins, (b) => (b.kind === 'categorical' ? 1 : 0)), binCounts: Int32Array.from(bins, binCount) };
}

/**
 * @example
 * const { booster, bestRounds } = Booster.train({ columns, labels }, { seed: 1 }, { columns: validColumns, labels: validLabels });
 * booster.truncate(bestRounds).margins(columns, labels.length);
 */
export class Booster {
  readonly bins: ColumnBins[];
  readonly trees: Tree[];
  readonly baseMargin: number;
  private readonly schema: Schema;

  constructor(bins: ColumnBins[], trees: Tree[], baseMargin: number) {
    this.bins = bins;
    this.trees = trees;
    this.baseMargin = baseMargin;
    this.schema = schemaOf(bins);
  }

  /** Trains on `train`; with `valid`, records its loss per round and stops early (all trees kept, see `bestRounds`). */
  static train(train: LabelledColumns, options: Partial<BoosterOptions> = {}, valid?: LabelledColumns): { booster: Booster; validLoss: number[]; bestRounds: number } {
    const settings = { ...BOOSTER_DEFAULTS, ...options };
    const bins = fitBins(train.columns, { maxBins: settings.maxBins, minLevelCount: settings.minLevelCount, seed: settings.seed });
    const rows = train.labels.length;
    const binned = binColumns(bins, train.columns, rows);
    const validSet = valid ? { binned: binColumns(bins, valid.columns, valid.labels.length), labels: valid.labels } : undefined;
    const result = boost({ binned, labels: train.labels }, schemaOf(bins), settings, validSet);
    return { booster: new Booster(bins, result.trees, result.baseMargin), validLoss: result.validLoss, bestRounds: result.bestRounds };
  }

  static fromJSON(json: BoosterJSON): Booster {
    if (json?.format !== 'tierlab-gbdt' || json.version !== 1) throw new Error('not a tierlab gradient-boosted model (format/version)');
    return new Booster(json.bins, json.trees.map(treeFromJSON), json.baseMargin);
  }

  toJSON(): BoosterJSON {
    return { format: 'tierlab-gbdt', version: 1, bins: this.bins, baseMargin: this.baseMargin, trees: this.trees.map((t) => treeToJSON(t, this.schema.categorical)) };
  }

  /** The first `rounds` trees only. */
  truncate(rounds: number): Booster {
    return new Booster(this.bins, this.trees.slice(0, rounds), this.baseMargin);
  }

  /** Feature names in the order of contributions. */
  get features(): string[] {
    return this.bins.map((b) => b.name);
  }

  bin(columns: RawColumn[], rows: number): Uint8Array[] {
    return binColumns(this.bins, columns, rows);
  }

  /** Log-odds per row. */
  margins(columns: RawColumn[], rows: number): Float64Array {
    return predictMargins(this.trees, this.baseMargin, this.bin(columns, rows), rows);
  }

  /** TreeSHAP contributions (rows x features, margin units) and the expected margin they add to. */
  contributions(columns: RawColumn[], rows: number): { phi: Float64Array; expected: number } {
    return treeShap(this.trees, this.baseMargin, this.bin(columns, rows), rows);
  }
}
