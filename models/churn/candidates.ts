/**
 * The three kinds of model the churn model can be made of, behind one shape: a *member* (what is saved and
 * scored) and a *candidate* (how one inner fold is fitted and how the final member is refitted).
 * - `logistic` and `mlp`: TensorFlow.js networks on the preprocessed matrix (preprocess.ts, network.ts),
 *   class-weighted, stepped by epochs, judged per epoch by validation ROC-AUC;
 * - `gbdt`: gradient-boosted trees on raw columns (gbdt/), stepped by rounds, judged per round by validation
 *   logloss; missing values and categories go in as they are.
 * A member's output is a log-odds margin, so members can be averaged (a blend).
 */
import type { Tf } from './backend.ts';
import { columnKinds, columnsAs, toColumns, type ColumnKind, type FeatureRow, type FeatureTable } from './columns.ts';
import { Booster, type BoosterJSON, type BoosterOptions } from './gbdt/booster.ts';
import { forward, trainNetwork, type Network, type TrainNetworkOptions } from './network.ts';
import { encode, fitPreprocessor, transform, type FitPreprocessorOptions, type InputSet, type Preprocessor } from './preprocess.ts';

export const MEMBER_KINDS = ['gbdt', 'logistic', 'mlp'] as const;

export type MemberKind = (typeof MEMBER_KINDS)[number];

export type Member =
  | { kind: 'logistic' | 'mlp'; preprocessor: Preprocessor; network: Network }
  | { kind: 'gbdt'; columns: ColumnKind[]; booster: BoosterJSON };

/** Rows with their 0/1 churn labels, one per customer. */
export interface Dataset {
  ids: string[];
  rows: FeatureRow[];
  labels: Float64Array;
}

const clip = (p: number) => Math.min(1 - 1e-7, Math.max(1e-7, p));
export const logit = (p: number) => Math.log(clip(p) / (1 - clip(p)));
export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * A member's churn probabilities (networks: their sigmoid output, as saved models always scored).
 *
 * @example
 * memberProbabilities(member, batch);
 */
export function memberProbabilities(member: Member, table: FeatureTable, booster?: Booster): Float64Array {
  if (member.kind === 'gbdt') return memberMargins(member, table, booster).map(sigmoid);
  return forward(member.network, encode(member.preprocessor, table, member.network.inputs));
}

/** A member's log-odds margins. `booster` may be passed to save re-reading the JSON. */
export function memberMargins(member: Member, table: FeatureTable, booster?: Booster): Float64Array {
  if (member.kind === 'gbdt') return (booster ?? Booster.fromJSON(member.booster)).margins(columnsAs(table, member.columns), table.length);
  return memberProbabilities(member, table).map(logit);
}

/** One inner fold of one candidate: a curve over steps and the held-out margins at any step. */
export interface FoldRun {
  curve: number[];
  marginsAt(step: number): Float64Array;
}

export interface Candidate {
  kind: MemberKind;
  /** Whether a higher point on the fold curves is better (AUC) or a lower one (logloss). */
  higherIsBetter: boolean;
  fitFold(fit: Dataset, valid: Dataset): Promise<FoldRun>;
  /** The final member on every training row, run for `steps` epochs or rounds. */
  refit(all: Dataset, steps: number): Promise<Member>;
}

export interface NetworkSettings {
  tf: Tf;
  hiddenUnits: number[];
  maxEpochs: number;
  batchSize: number;
  patience: number;
  seed: number;
  learningRate: number;
  l2: number;
  preprocess?: FitPreprocessorOptions;
}

/** The logistic candidate reads the hinges too (an additive model); the MLP makes its own curves. */
const INPUTS: Record<'logistic' | 'mlp', InputSet> = { logistic: 'additive', mlp: 'compact' };

function positiveWeight(labels: Float64Array): number {
  const positives = labels.reduce((s, y) => s + y, 0);
  return positives > 0 ? (labels.length - positives) / positives : 1;
}

/**
 * @example
 * const candidate = networkCandidate('logistic', { tf, hiddenUnits: [32, 16], maxEpochs: 100, ... });
 */
export function networkCandidate(kind: 'logistic' | 'mlp', settings: NetworkSettings): Candidate {
  const inputs = INPUTS[kind];
  const options = (labels: Float64Array, epochs: number): TrainNetworkOptions => ({
    kind,
    inputs,
    hiddenUnits: settings.hiddenUnits,
    maxEpochs: epochs,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    l2: settings.l2,
    patience: settings.patience,
    seed: settings.seed,
    positiveWeight: positiveWeight(labels),
  });
  return {
    kind,
    higherIsBetter: true,
    async fitFold(fit, valid) {
      const preprocessor = fitPreprocessor(fit.rows, settings.preprocess);
      const run = await trainNetwork(settings.tf, transform(preprocessor, fit.rows, inputs), fit.labels, { x: transform(preprocessor, valid.rows, inputs), y: valid.labels }, options(fit.labels, settings.maxEpochs));
      return { curve: run.curve, marginsAt: (step) => run.predictions[step - 1].map(logit) };
    },
    async refit(all, steps) {
      const preprocessor = fitPreprocessor(all.rows, settings.preprocess);
      const { network } = await trainNetwork(settings.tf, transform(preprocessor, all.rows, inputs), all.labels, undefined, options(all.labels, steps));
      return { kind, preprocessor, network };
    },
  };
}

/**
 * @example
 * const candidate = treeCandidate({ ...BOOSTER_DEFAULTS, seed: 42 });
 */
export function treeCandidate(options: Partial<BoosterOptions>): Candidate {
  return {
    kind: 'gbdt',
    higherIsBetter: false,
    async fitFold(fit, valid) {
      const columns = columnKinds(fit.rows);
      const validColumns = toColumns(valid.rows, columns);
      const run = Booster.train({ columns: toColumns(fit.rows, columns), labels: fit.labels }, options, { columns: validColumns, labels: valid.labels });
      return { curve: run.validLoss, marginsAt: (step) => run.booster.truncate(step).margins(validColumns, valid.labels.length) };
    },
    async refit(all, steps) {
      const columns = columnKinds(all.rows);
      const { booster } = Booster.train({ columns: toColumns(all.rows, columns), labels: all.labels }, { ...options, maxRounds: steps });
      return { kind: 'gbdt', columns, booster: booster.toJSON() };
    },
  };
}
