import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../data/demo.ts';
import { Store } from '../../data/store.ts';
import { shiftDate } from '../../data/dates.ts';
import { behaviouralDataset } from '../../models/churn/dataset.ts';
import { rocAuc } from '../../models/churn/metrics.ts';
import { ChurnModel, type ChurnModelJSON } from '../../models/churn/model.ts';
import { tableRows, type LabelledTable } from '../../models/churn/feature-table.ts';
import type { Bundle } from '../../models/pipeline.ts';
import { NO_EVALUATION_MODEL, type Comparison } from '../../models/registry/gate.ts';
import { Registry } from '../../models/registry/registry.ts';
import { retrain } from '../../models/registry/retrain.ts';

const HORIZON_DAYS = 90;

/** A crippled churn model: one epoch at a vanishing learning rate ranks customers close to at random. */
const CRIPPLED = { candidates: ['logistic' as const], maxEpochs: 1, learningRate: { logistic: 1e-9 } };

describe('the promotion gate (retrain on a seeded demo store, behavioural labels)', () => {
  let home: string;
  let store: Store;
  let registry: Registry;
  /** The held-out rows every retrain on this unchanged store tests on: customers at T - H, labelled by [T - H, T). */
  let heldOut: LabelledTable;

  const comparisonOf = (version: number) => registry.manifest(version).evaluation.comparison as Comparison;
  const aucOn = (json: unknown) => rocAuc(ChurnModel.fromJSON(json as ChurnModelJSON).predict(tableRows(heldOut.table)), heldOut.labels);

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'gate-'));
    store = await Store.open({ path: ':memory:' });
    await loadDemo(store, { customers: 600, seed: 7 });
    registry = new Registry(home);
    const first = await retrain({ home, store });
    expect(first.outcome, first.reason).toBe('promoted');
    expect(first.reason).toMatch(/^first version: /);
    const asOf = registry.manifest(1).data_snapshot.as_of;
    heldOut = await behaviouralDataset(store, { cutoff: shiftDate(asOf, -HORIZON_DAYS), horizonDays: HORIZON_DAYS });
  });
  afterAll(() => store?.close());

  it('scores the evaluation model (fitted on the training split only), not the final model that saw the held-out rows', () => {
    const bundle = registry.bundle<Bundle>(1);
    const comparison = comparisonOf(1);
    const heldOutAuc = (registry.manifest(1).evaluation as { churn: { evaluation: { roc_auc: number; rows: number } } }).churn.evaluation;
    expect(comparison.candidate.model).toBe('evaluation');
    expect(comparison.candidate.roc_auc).toBe(heldOutAuc.roc_auc);
    expect(comparison.rows.count).toBe(heldOutAuc.rows);
    expect(comparison.rows.count).toBe(heldOut.labels.length);
    expect(comparison.candidate.roc_auc).toBeCloseTo(aucOn(bundle.churn_evaluation), 12);
    // The final model was refitted on these very rows: its in-sample figure is a different (higher) one.
    expect(aucOn(bundle.churn)).toBeGreaterThan(comparison.candidate.roc_auc + 0.005);
    expect(comparison.decision).toMatch(/evaluation model, fitted on its training split only/);
  });

  it('promotes an identical retrain on unchanged data: both evaluation models score the same', async () => {
    const record = await retrain({ home, store });
    expect(record.outcome, record.reason).toBe('promoted');
    const comparison = comparisonOf(record.version!);
    expect(comparison.active).toMatchObject({ version: 1, model: 'evaluation' });
    expect(comparison.active!.roc_auc).toBeCloseTo(comparison.candidate.roc_auc, 6);
    expect(comparison.note).toBeUndefined();
    expect(record.reason).toMatch(/not worse .* on the candidate's \d+ held-out rows \(out-of-time: .*\); both evaluation models/);
  });

  it('keeps the active version when the candidate is honestly worse on the held-out rows', async () => {
    const active = registry.active()!;
    const record = await retrain({ home, store, churnTrain: CRIPPLED });
    expect(record.outcome, record.reason).toBe('kept');
    expect(registry.active()).toBe(active);
    const comparison = comparisonOf(record.version!);
    expect(comparison.promote).toBe(false);
    expect(comparison.candidate.roc_auc).toBeLessThan(comparison.active!.roc_auc - 0.01);
    expect(record.reason).toMatch(/^worse by/);
  });

  it('compares with the recorded held-out figure of a version written without an evaluation model, and says so', async () => {
    const active = registry.active()!;
    // A bundle as versions written before the evaluation model was kept look.
    const file = join(registry.dir(active), 'bundle.json');
    const { churn_evaluation: _dropped, ...old } = JSON.parse(readFileSync(file, 'utf8')) as Bundle;
    writeFileSync(file, JSON.stringify(old));
    const record = await retrain({ home, store, aucTolerance: 1 });
    expect(record.outcome, record.reason).toBe('promoted');
    const comparison = comparisonOf(record.version!);
    expect(comparison.active).toMatchObject({ version: active, model: 'recorded' });
    // Not its final model on these rows (in-sample), but the out-of-sample figure recorded when it was trained.
    const recorded = (registry.manifest(active).evaluation as { churn: { evaluation: { roc_auc: number } } }).churn.evaluation.roc_auc;
    expect(comparison.active!.roc_auc).toBe(recorded);
    expect(comparison.active!.roc_auc).not.toBeCloseTo(aucOn(old.churn), 6);
    expect(comparison.note).toBe(NO_EVALUATION_MODEL);
    expect(record.reason).toContain(NO_EVALUATION_MODEL);
  });
});
