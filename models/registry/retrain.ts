import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ColumnMapping, DatasetKind } from '../../data/columns.ts';
import { TierlabError } from '../../data/errors.ts';
import { ingestFile } from '../../data/ingest.ts';
import type { Store } from '../../data/store.ts';
import { activeBackend } from '../churn/backend.ts';
import { SentimentSet } from '../sentiment/index.ts';
import { duckdbEngine, type Engine } from '../engine/index.ts';
import { recordTierHistory } from '../history/record.ts';
import { STEPS, trainAll, type Bundle, type TrainOptions } from '../pipeline.ts';
import { compareWithActive, type Comparison, type PromotePolicy } from './gate.ts';
import { acquireLock } from './lock.ts';
import { StageClock } from './progress.ts';
import { migrationMatrices } from './migration.ts';
import { exportOutputs, markServed } from './outputs.ts';
import type { RunConfig } from './manifest.ts';
import { Registry, type Manifest } from './registry.ts';
import { notifyWebhook, retrainMessage } from './notify.ts';
import { recordInterrupted, recordRun, retrainLockPath, type RunRecord } from './runs.ts';
import { dataSnapshot, featureDrift, featureProfiles, libraryVersions, numericFeatures } from './snapshot.ts';

export { listRuns, recoverInterruptedRun, type RunRecord } from './runs.ts';

export type { PromotePolicy } from './gate.ts';

export interface RetrainOptions extends Omit<TrainOptions, 'onProgress'> {
  home: string;
  store: Store;
  /** Files to load before training, each all-or-nothing. */
  ingest?: { kind: DatasetKind; file: string; mapping?: ColumnMapping }[];
  promote?: PromotePolicy;
  /**
   * A candidate whose churn ROC-AUC is below the active one's by more than this is not promoted (both evaluation
   * models on the candidate's held-out rows: gate.ts).
   */
  aucTolerance?: number;
  /** POSTed a JSON message (notify.ts) when a run ends, whatever the outcome. Default: env TIERLAB_WEBHOOK_URL. */
  webhookUrl?: string;
  /** Where a webhook delivery failure is written; default stderr. */
  log?: (line: string) => void;
  /**
   * Load the promoted version's tables into `store` (default). A server passes false: it switches between
   * requests itself when it sees the new active version (server/serving.ts).
   */
  applyPromoted?: boolean;
  /** One JSON-lines event per step. */
  onEvent?: (event: Record<string, unknown>) => void;
}

export const RETRAIN_DEFAULTS = { promote: 'auto' as PromotePolicy, aucTolerance: 0.01 };

const PROGRESS_TICK_MS = 1000;

/**
 * One retraining run: load new data, train a candidate on a scratch transaction (nothing served changes),
 * compare it with the active version on rows neither model was fitted on (gate.ts), write it as a new version,
 * and promote it only when it is not worse. Locked so two runs never overlap; recorded in runs.jsonl whatever happens.
 *
 * @example
 * const run = await retrain({ home, store, promote: 'auto' });
 */
export async function retrain(options: RetrainOptions): Promise<RunRecord> {
  const { home, store } = options;
  const settings = { ...RETRAIN_DEFAULTS, ...options };
  const listener = options.onEvent;
  const clock = new StageClock(home);
  // Every event says the stage, how far the run is (weighted by stage cost: progress.ts) and the seconds since start.
  const emit = (event: Record<string, unknown>) => {
    if (typeof event.step === 'string') clock.enter(event.step);
    listener?.({ ...event, ...(clock.stage && { stage: clock.stage }), fraction: event.event === 'done' ? 1 : clock.fraction(), elapsed_s: clock.elapsedSeconds() });
  };
  // Between stage changes the bar still moves: a tick a second (the churn stage alone takes most of a run).
  const ticker = listener ? setInterval(() => clock.stage && emit({ event: 'progress', step: clock.stage, tick: true }), PROGRESS_TICK_MS) : undefined;
  const registry = new Registry(home);
  mkdirSync(join(home, 'registry'), { recursive: true });
  const started = new Date().toISOString();
  // Time and pid alone repeat when one process starts two runs within a second.
  const runId = `${started.replace(/[-:.TZ]/g, '').slice(0, 14)}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const lock = acquireLock(retrainLockPath(home), { run_id: runId, started_at: started });
  if (lock.interrupted) {
    const interrupted = recordInterrupted(home, lock.interrupted);
    emit({ event: 'interrupted run recorded', run_id: interrupted.run_id, stage: interrupted.stage });
  }
  const activeBefore = registry.active();
  const record: RunRecord = { run_id: runId, started_at: started, ended_at: '', outcome: 'failed', active_before: activeBefore, active_after: activeBefore, reason: '' };
  emit({ event: 'start', run_id: record.run_id, active: activeBefore });
  try {
    record.ingested = [];
    for (const input of options.ingest ?? []) {
      emit({ event: 'ingest', step: 'ingest', file: input.file, kind: input.kind });
      lock.stage('ingest');
      record.ingested.push(await ingestFile(store, { ...input, onProgress: (m) => emit({ event: 'progress', step: 'ingest', message: m }) }));
    }
    const activeBundle = activeBefore ? registry.bundle<Bundle>(activeBefore) : undefined;
    const activeManifest = activeBefore ? registry.manifest(activeBefore) : undefined;
    const work = await store.fork();
    let version: number;
    let comparison: Comparison;
    try {
      ({ version, comparison } = await work.scratch(async (keep) => {
        const result = await trainAll(work, {
          ...options,
          sentiment: activeBundle ? SentimentSet.fromJSON(activeBundle.sentiment) : options.sentiment,
          onProgress: (step, detail) => {
            if (STEPS.includes(step as (typeof STEPS)[number])) lock.stage(step);
            emit({ event: 'progress', step, ...detail });
          },
        });
        const churn = result.churn!;
        const compared = compareWithActive({
          policy: settings.promote,
          tolerance: settings.aucTolerance,
          churn,
          active:
            activeBefore && activeBundle
              ? { version: activeBefore, bundle: activeBundle, heldOut: activeManifest?.evaluation.churn?.evaluation }
              : undefined,
        });
        if (compared.note) emit({ event: 'progress', step: 'compare', message: compared.note });
        lock.stage('save');
        emit({ event: 'progress', step: 'save' });
        emit({ event: 'progress', step: 'save', message: 'data snapshot and feature profiles' });
        const snapshot = await dataSnapshot(work, result.asOf);
        const features = await numericFeatures(work);
        const drift = featureDrift(features, activeManifest?.evaluation.feature_profiles);
        const profiles = featureProfiles(features);
        const written = await registry.write(
          {
            created_at: new Date().toISOString(),
            data_snapshot: snapshot,
            config: {
              as_of: result.asOf,
              engine: (options.engine ?? duckdbEngine).describe(),
              tiers: result.bundle.tiers,
              label: churn.label,
              horizon_days: churn.horizonDays,
              promote: settings.promote,
              auc_tolerance: settings.aucTolerance,
              seed: options.seed ?? null,
            } satisfies RunConfig,
            libraries: libraryVersions(),
            backend: activeBackend() ?? 'unknown',
            evaluation: {
              ...result.evaluation,
              comparison: compared,
              feature_profiles: profiles,
            },
            drift,
          },
          result.bundle,
          async (dir) => {
            emit({ event: 'progress', step: 'save', message: 'writing the version\'s tables' });
            await exportOutputs(work, dir);
          },
        );
        record.version = written;
        emit({ event: 'progress', step: 'save', message: 'tier history' });
        // Every trained version, promoted or not, is a point of the tier history (tiers over time, flows, alerts).
        await recordTierHistory(store, { version: written, dir: registry.dir(written), asOf: result.asOf });
        if (activeBefore) {
          const migration = await migrationMatrices(store, registry.dir(activeBefore), registry.dir(written));
          registry.annotate(written, { migration });
        }
        if (compared.promote && (options.applyPromoted ?? true)) {
          // The tables just written are the version's files' content: committed as they are, not loaded back
          // (at a million customers that load took 37 s of the save on a quiet machine). A server switches itself (applyPromoted false).
          emit({ event: 'progress', step: 'save', message: 'serving the new version' });
          await markServed(work, written, snapshot.load_id ?? 0);
          keep();
        }
        return { version: written, comparison: compared };
      }));
    } finally {
      work.close();
    }
    if (comparison.promote) {
      // A run that dies between the commit and here serves tables that are not the active version's; a server
      // sees that (served_version) and loads the active version's files (server/serving.ts).
      registry.activate(version);
      if (options.engine) record.written_back = await writeBack(options.engine, store, registry.dir(version), version, emit);
    }
    Object.assign(record, {
      outcome: comparison.promote ? 'promoted' : 'kept',
      active_after: registry.active(),
      reason: comparison.decision,
      figures: figuresOf(registry.manifest(version)),
    });
    clock.finish();
    emit({ event: 'done', outcome: record.outcome, version, reason: record.reason });
  } catch (error) {
    record.reason = error instanceof TierlabError ? error.describe() : (error as Error).message;
    record.error_code = error instanceof TierlabError ? error.code : 'internal';
    record.outcome = 'failed';
    record.active_after = registry.active();
    emit({ event: 'failed', reason: record.reason });
  } finally {
    clearInterval(ticker);
    record.ended_at = new Date().toISOString();
    recordRun(home, record);
    lock.release();
  }
  await notifyWebhook(options.webhookUrl ?? process.env.TIERLAB_WEBHOOK_URL, retrainMessage(record, { interrupted: options.signal?.aborted ?? false }), options.log);
  return record;
}

/**
 * Writes the promoted version's scores beside the data (the ClickHouse engine's `tierlab_customer_scores`).
 * The version is promoted and served whatever happens here, so a failure is recorded with the run, not raised.
 */
async function writeBack(engine: Engine, store: Store, outputsDir: string, version: number, emit: (event: Record<string, unknown>) => void): Promise<RunRecord['written_back']> {
  try {
    const written = await engine.writeBack(store, { outputsDir, version });
    if (written) emit({ event: 'progress', step: 'write back', ...written });
    return written ?? undefined;
  } catch (error) {
    const message = error instanceof TierlabError ? error.describe() : (error as Error).message;
    emit({ event: 'progress', step: 'write back failed', message });
    return { error: message };
  }
}

/** The headline figures of a version, for run records and listings. */
export interface VersionFigures {
  churn_roc_auc: number | null;
  churn_log_loss: number | null;
  clusters: number | null;
  comparison: unknown;
}

export function figuresOf(manifest: Manifest): VersionFigures {
  const evaluation = manifest.evaluation;
  return {
    churn_roc_auc: evaluation.churn?.evaluation?.roc_auc ?? null,
    churn_log_loss: evaluation.churn?.evaluation?.log_loss ?? null,
    clusters: evaluation.segmentation?.k ?? null,
    comparison: evaluation.comparison ?? null,
  };
}
