import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { DatasetKind } from '../../data/columns.ts';
import { TierlabError } from '../../data/errors.ts';
import { ingestFile, type IngestSummary } from '../../data/ingest.ts';
import type { Store } from '../../data/store.ts';
import { activeBackend } from '../churn/backend.ts';
import { rocAuc, logLoss } from '../churn/metrics.ts';
import { ChurnModel, type ChurnModelJSON } from '../churn/model.ts';
import { SentimentModel, type SentimentModelJSON } from '../sentiment/index.ts';
import { trainAll, type Bundle, type TrainOptions } from '../pipeline.ts';
import { binProfile, populationStabilityIndex, psiBand, type BinProfile } from './drift.ts';
import { acquireLock } from './lock.ts';
import { migrationMatrices } from './migration.ts';
import { applyOutputs, exportOutputs } from './outputs.ts';
import { Registry, type Manifest } from './registry.ts';

export type PromotePolicy = 'auto' | 'always' | 'never';

export interface RetrainOptions extends Omit<TrainOptions, 'onProgress'> {
  home: string;
  store: Store;
  /** Files to load before training, each all-or-nothing. */
  ingest?: { kind: DatasetKind; file: string; mapping?: Record<string, string> }[];
  promote?: PromotePolicy;
  /** A candidate whose held-out churn ROC-AUC is below the active one's by more than this is not promoted. */
  aucTolerance?: number;
  /** POSTed a JSON message when a run fails. Default: env TIERLAB_WEBHOOK_URL. */
  webhookUrl?: string;
  /**
   * Load the promoted version's tables into `store` (default). A server passes false: it switches between
   * requests itself when it sees the new active version (server/serving.ts).
   */
  applyPromoted?: boolean;
  /** One JSON-lines event per step. */
  onEvent?: (event: Record<string, unknown>) => void;
}

export const RETRAIN_DEFAULTS = { promote: 'auto' as PromotePolicy, aucTolerance: 0.01 };

export interface RunRecord {
  run_id: string;
  started_at: string;
  ended_at: string;
  outcome: 'promoted' | 'kept' | 'failed';
  /** The version this run wrote (absent when it failed before writing). */
  version?: number;
  active_before: number | null;
  active_after: number | null;
  reason: string;
  figures?: Record<string, unknown>;
  ingested?: IngestSummary[];
}

const FEATURE_COLUMNS_SQL = `SELECT column_name AS name FROM duckdb_columns() WHERE table_name = 'customer_features'
  AND (data_type IN ('BIGINT', 'INTEGER', 'DOUBLE', 'HUGEINT') OR data_type LIKE 'DECIMAL%')`;

async function featureValues(store: Store, name: string): Promise<Float64Array> {
  const rows = await store.all<{ v: number | null }>(`SELECT CAST("${name}" AS DOUBLE) AS v FROM customer_features`);
  return Float64Array.from(rows, (r) => r.v ?? NaN);
}

/** Decile profiles of every numeric feature: what drift is measured against next time. */
async function featureProfiles(store: Store): Promise<Record<string, BinProfile>> {
  const names = (await store.all<{ name: string }>(FEATURE_COLUMNS_SQL)).map((r) => r.name);
  const profiles: Record<string, BinProfile> = {};
  for (const name of names) profiles[name] = binProfile(await featureValues(store, name));
  return profiles;
}

/** PSI of each feature the previous version profiled, against the features just built. */
async function featureDrift(store: Store, previous: Record<string, BinProfile> | undefined) {
  if (!previous) return undefined;
  const present = new Set((await store.all<{ name: string }>(FEATURE_COLUMNS_SQL)).map((r) => r.name));
  const drift: Record<string, { psi: number; band: string }> = {};
  for (const [name, profile] of Object.entries(previous)) {
    if (!present.has(name)) continue;
    const psi = populationStabilityIndex(profile, await featureValues(store, name));
    drift[name] = { psi: Math.round(psi * 10000) / 10000, band: psiBand(psi) };
  }
  return drift;
}

/** Counts, time range and an order-independent content hash of the input tables. */
async function dataSnapshot(store: Store, asOf: string): Promise<Manifest['data_snapshot']> {
  const row = (await store.one<Record<string, unknown>>(`SELECT
      (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM transactions) AS transactions,
      (SELECT count(*) FROM feedback) AS feedback,
      (SELECT min(timestamp) FROM transactions) AS "from", (SELECT max(timestamp) FROM transactions) AS "to",
      (SELECT CAST(coalesce(sum(hash(c)), 0) AS VARCHAR) FROM customers c) AS hc,
      (SELECT CAST(coalesce(sum(hash(t)), 0) AS VARCHAR) FROM transactions t) AS ht,
      (SELECT CAST(coalesce(sum(hash(f)), 0) AS VARCHAR) FROM feedback f) AS hf`))!;
  const hash = createHash('sha256').update(`${row.hc}|${row.ht}|${row.hf}|${row.customers}|${row.transactions}|${row.feedback}`).digest('hex');
  return {
    as_of: asOf,
    from: row.from as string | null,
    to: row.to as string | null,
    rows: { customers: row.customers as number, transactions: row.transactions as number, feedback: row.feedback as number },
    content_hash: `sha256:${hash}`,
  };
}

function libraryVersions(): Record<string, string> {
  const versions: Record<string, string> = { node: process.version };
  const root = join(import.meta.dirname, '..', '..', 'node_modules');
  for (const name of ['@duckdb/node-api', '@tensorflow/tfjs', '@tensorflow/tfjs-node', 'ml-kmeans', 'natural', 'hono']) {
    const file = join(root, name, 'package.json');
    if (existsSync(file)) versions[name] = (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return versions;
}

/**
 * Should the candidate replace the active version? `auto`: yes when nothing is active, or when its held-out
 * churn ROC-AUC is no more than `aucTolerance` below the active model's on the SAME held-out rows.
 */
function decide(policy: PromotePolicy, tolerance: number, candidateAuc: number, activeAuc: number | undefined): { promote: boolean; reason: string } {
  if (policy === 'always') return { promote: true, reason: 'promotion forced (--promote always)' };
  if (policy === 'never') return { promote: false, reason: 'promotion disabled (--promote never)' };
  if (activeAuc === undefined) return { promote: true, reason: 'no active version: the first trained version is promoted' };
  const delta = candidateAuc - activeAuc;
  const figures = `candidate ROC-AUC ${candidateAuc.toFixed(4)} vs active ${activeAuc.toFixed(4)} on the same held-out rows`;
  return delta >= -tolerance
    ? { promote: true, reason: `${figures}: not worse beyond the tolerance ${tolerance}` }
    : { promote: false, reason: `${figures}: worse by ${(-delta).toFixed(4)} (> tolerance ${tolerance}); active version kept` };
}

async function notifyWebhook(url: string | undefined, record: RunRecord): Promise<void> {
  if (!url) return;
  try {
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'tierlab.retrain.failed', run: record }),
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    // A webhook that cannot be reached must not turn a recorded failure into a crash.
  }
}

/** Every run, one JSON line each, oldest first. */
export function listRuns(home: string): RunRecord[] {
  const file = join(home, 'registry', 'runs.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RunRecord);
}

/**
 * One retraining run: load new data, train a candidate on a scratch transaction (nothing served changes),
 * evaluate it against the active version on the same held-out rows, write it as a new version, and promote it
 * only when it is not worse. Locked so two runs never overlap; recorded in runs.jsonl whatever happens.
 *
 * @example
 * const run = await retrain({ home, store, promote: 'auto' });
 */
export async function retrain(options: RetrainOptions): Promise<RunRecord> {
  const { home, store } = options;
  const settings = { ...RETRAIN_DEFAULTS, ...options };
  const emit = options.onEvent ?? (() => {});
  const registry = new Registry(home);
  mkdirSync(join(home, 'registry'), { recursive: true });
  const release = acquireLock(join(home, 'registry', 'retrain.lock'));
  const activeBefore = registry.active();
  const started = new Date().toISOString();
  const record: RunRecord = { run_id: `${started.replace(/[-:.TZ]/g, '').slice(0, 14)}-${process.pid}`, started_at: started, ended_at: '', outcome: 'failed', active_before: activeBefore, active_after: activeBefore, reason: '' };
  emit({ event: 'start', run_id: record.run_id, active: activeBefore });
  try {
    record.ingested = [];
    for (const input of options.ingest ?? []) {
      emit({ event: 'ingest', file: input.file, kind: input.kind });
      record.ingested.push(await ingestFile(store, { ...input, onProgress: (m) => emit({ event: 'progress', step: 'ingest', message: m }) }));
    }
    const activeBundle = activeBefore ? registry.bundle<Bundle>(activeBefore) : undefined;
    const activeManifest = activeBefore ? registry.manifest(activeBefore) : undefined;
    const work = await store.fork();
    let version: number;
    let decision: { promote: boolean; reason: string };
    try {
      ({ version, decision } = await work.scratch(async () => {
        const result = await trainAll(work, {
          ...options,
          sentiment: activeBundle ? SentimentModel.fromJSON(activeBundle.sentiment as SentimentModelJSON) : options.sentiment,
          onProgress: (step, detail) => emit({ event: 'progress', step, ...detail }),
        });
        const churn = result.churn!;
        // Both final models (each refitted on all labelled rows of its own run) scored on the same held-out rows.
        const candidateAuc = rocAuc(churn.model.predict(churn.test.rows), churn.test.labels);
        let activeFigures: { roc_auc: number; log_loss: number } | undefined;
        if (activeBundle?.churn) {
          try {
            const p = ChurnModel.fromJSON(activeBundle.churn as ChurnModelJSON).predict(churn.test.rows);
            activeFigures = { roc_auc: rocAuc(p, churn.test.labels), log_loss: logLoss(p, churn.test.labels) };
          } catch (error) {
            emit({ event: 'progress', step: 'compare', message: `active model cannot score the new held-out rows: ${(error as Error).message}` });
          }
        }
        const chosen = decide(settings.promote, settings.aucTolerance, candidateAuc, activeFigures?.roc_auc);
        const snapshot = await dataSnapshot(work, result.asOf);
        const drift = await featureDrift(work, (activeManifest?.evaluation as { feature_profiles?: Record<string, BinProfile> } | undefined)?.feature_profiles);
        const profiles = await featureProfiles(work);
        const written = await registry.write(
          {
            created_at: new Date().toISOString(),
            data_snapshot: snapshot,
            config: { as_of: result.asOf, tiers: result.bundle.tiers, label: churn.label, horizon_days: options.horizonDays ?? 90, promote: settings.promote, auc_tolerance: settings.aucTolerance, seed: options.seed ?? null },
            libraries: libraryVersions(),
            backend: activeBackend() ?? 'unknown',
            evaluation: {
              ...result.evaluation,
              comparison: { candidate_roc_auc: candidateAuc, active: activeFigures ? { version: activeBefore, ...activeFigures } : null, decision: chosen.reason },
              feature_profiles: profiles,
            },
            drift,
          },
          result.bundle,
          async (dir) => {
            await exportOutputs(work, dir);
          },
        );
        return { version: written, decision: chosen };
      }));
    } finally {
      work.close();
    }
    record.version = version;
    if (activeBefore) {
      const migration = await migrationMatrices(store, registry.dir(activeBefore), registry.dir(version));
      registry.annotate(version, { migration });
    }
    if (decision.promote) {
      registry.activate(version);
      if (options.applyPromoted ?? true) await applyOutputs(store, registry.dir(version), version);
    }
    Object.assign(record, {
      outcome: decision.promote ? 'promoted' : 'kept',
      active_after: registry.active(),
      reason: decision.reason,
      figures: figuresOf(registry.manifest(version)),
    });
    emit({ event: 'done', outcome: record.outcome, version, reason: record.reason });
  } catch (error) {
    record.reason = error instanceof TierlabError ? error.describe() : (error as Error).message;
    record.outcome = 'failed';
    record.active_after = registry.active();
    emit({ event: 'failed', reason: record.reason });
    await notifyWebhook(options.webhookUrl ?? process.env.TIERLAB_WEBHOOK_URL, record);
  } finally {
    record.ended_at = new Date().toISOString();
    appendFileSync(join(home, 'registry', 'runs.jsonl'), `${JSON.stringify(record)}\n`);
    release();
  }
  return record;
}

/** The headline figures of a version, for run records and listings. */
export interface VersionFigures {
  churn_roc_auc: number | null;
  churn_log_loss: number | null;
  clusters: number | null;
  comparison: unknown;
}

export function figuresOf(manifest: Manifest): VersionFigures {
  const evaluation = manifest.evaluation as { churn?: { evaluation?: Record<string, number> }; segmentation?: { k?: number }; comparison?: unknown };
  return {
    churn_roc_auc: evaluation.churn?.evaluation?.roc_auc ?? null,
    churn_log_loss: evaluation.churn?.evaluation?.log_loss ?? null,
    clusters: evaluation.segmentation?.k ?? null,
    comparison: evaluation.comparison ?? null,
  };
}
