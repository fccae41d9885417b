/**
 * A version's manifest.json: its type and its one reader. Manifests are read from disk (and served at
 * `GET /api/models/:version`), so they are parsed here, at the edge, once: every reader after this sees typed
 * fields instead of guessing at shapes.
 */
import type { LabelKind } from '../churn/dataset.ts';
import type { TrainResult } from '../pipeline.ts';
import type { AppliedTierRules } from '../tiers/index.ts';
import type { EngineDescription } from '../engine/types.ts';
import type { BinProfile, PsiBand } from './drift.ts';
import type { Comparison, PromotePolicy } from './gate.ts';
import type { MigrationMatrix } from './migration.ts';

/**
 * The manifest format this code writes. Manifests written before the format was recorded are format 1; one
 * written by a newer Tierlab is refused rather than misread.
 */
export const MANIFEST_FORMAT = 1;

/** What a training run recorded about its models: the pipeline's figures, the promotion gate and the feature profiles. */
export type ManifestEvaluation = TrainResult['evaluation'] & {
  /** What the promotion gate compared and decided. */
  comparison?: Comparison;
  /** Binned feature distributions, for the next run's drift check. */
  feature_profiles?: Record<string, BinProfile>;
};

/** How a training run was set up, as `retrain` records it. */
export interface RunConfig {
  /** The cutoff the features and labels were built at (YYYY-MM-DD, exclusive). */
  as_of: string;
  /** The engine that did the set work, as it describes itself (`describe()` of models/engine). */
  engine: EngineDescription;
  /** The tier rules the tiers were built with, as applied (the bundle serves them). */
  tiers: AppliedTierRules;
  label: LabelKind;
  horizon_days: number;
  promote: PromotePolicy;
  /** How much lower a new churn ROC-AUC may be and still be promoted under `auto`. */
  auc_tolerance: number;
  seed: number | null;
}

/** A feature's population stability index against the version active before, and its band. */
export interface FeatureDrift {
  psi: number;
  band: PsiBand;
}

/** What every version records about itself. */
export interface Manifest {
  format: number;
  version: number;
  created_at: string;
  /** The data the bundle was trained on. */
  data_snapshot: {
    as_of: string;
    from: string | null;
    to: string | null;
    rows: { customers: number; transactions: number; feedback: number };
    /** sha256 over the sorted content of the three tables: the same data gives the same hash. */
    content_hash: string;
    /** The newest load in the data (versions written before it was recorded lack it). */
    load_id?: number;
  };
  /** Every other file of the version with its size and sha256, checked before the version is served. */
  files?: Record<string, { bytes: number; sha256: string }>;
  /** Every field a run writes (`RunConfig`); a manifest written by hand or by an early version may lack some. */
  config: Partial<RunConfig>;
  libraries: Record<string, string>;
  backend: string;
  evaluation: ManifestEvaluation;
  /** Per feature, against the version active when this one was trained; absent for the first version. */
  drift?: Record<string, FeatureDrift>;
  /** How customers moved from the version active before (added once the version is written). */
  migration?: MigrationMatrix[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The sections of `evaluation`, each an object when present. */
const EVALUATION_SECTIONS = ['churn', 'segmentation', 'clv', 'sentiment', 'comparison', 'feature_profiles'] as const;

/**
 * A manifest from its JSON, checked: the fields every reader relies on are there with their types, each
 * evaluation section is an object, and the format is one this code reads. Throws an Error saying what is wrong.
 *
 * @example
 * const manifest = parseManifest(JSON.parse(readFileSync(file, 'utf8')));
 * manifest.evaluation.churn?.evaluation.roc_auc;
 */
export function parseManifest(json: unknown): Manifest {
  if (!isObject(json)) throw new Error('it is not a JSON object');
  const format = json.format ?? 1;
  if (!Number.isInteger(format) || (format as number) < 1) throw new Error(`its format is ${JSON.stringify(format)}, not a whole number from 1`);
  if ((format as number) > MANIFEST_FORMAT) throw new Error(`it is format ${format}, written by a newer Tierlab (this one reads up to ${MANIFEST_FORMAT})`);
  if (!Number.isInteger(json.version)) throw new Error('its version is not a whole number');
  if (typeof json.created_at !== 'string') throw new Error('created_at is not text');
  if (!isObject(json.data_snapshot) || typeof json.data_snapshot.as_of !== 'string') throw new Error('data_snapshot.as_of is missing');
  const evaluation = json.evaluation ?? {};
  if (!isObject(evaluation)) throw new Error('evaluation is not an object');
  for (const section of EVALUATION_SECTIONS) {
    if (evaluation[section] !== undefined && !isObject(evaluation[section])) throw new Error(`evaluation.${section} is not an object`);
  }
  if (isObject(evaluation.churn) && !isObject(evaluation.churn.evaluation)) throw new Error('evaluation.churn has no held-out figures (evaluation.churn.evaluation)');
  if (isObject(evaluation.segmentation) && !Number.isInteger(evaluation.segmentation.k)) throw new Error('evaluation.segmentation.k is not a whole number');
  if (json.migration !== undefined && !Array.isArray(json.migration)) throw new Error('migration is not a list');
  if (!isObject(json.config ?? {})) throw new Error('config is not an object');
  const config = (json.config ?? {}) as Record<string, unknown>;
  if (config.tiers !== undefined && !isObject(config.tiers)) throw new Error('config.tiers is not an object');
  if (config.horizon_days !== undefined && !Number.isInteger(config.horizon_days)) throw new Error('config.horizon_days is not a whole number');
  if (json.drift !== undefined) {
    if (!isObject(json.drift)) throw new Error('drift is not an object');
    for (const [feature, entry] of Object.entries(json.drift)) {
      if (!isObject(entry) || typeof entry.psi !== 'number' || typeof entry.band !== 'string') throw new Error(`drift.${feature} is not {psi, band}`);
    }
  }
  return { ...json, format, evaluation, config } as unknown as Manifest;
}
