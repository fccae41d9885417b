/**
 * What training the churn model on a stratified sample costs in quality: on the seeded demo shop (default
 * 300,000 customers; `--sizes` takes others), the behavioural backtest as the churn stage runs it (trained at
 * T - 2H, tested out of time at T - H on every labelled row), the evaluation model trained on stratified samples
 * of 25,000, 50,000 (the default `maxTrainRows`) and 100,000 rows and on all training rows, each tested on the
 * same held-out rows. Prints the held-out ROC-AUC and training time of each beside the one on all rows.
 */
import { resolveAsOf, shiftDate } from '../../data/dates.ts';
import { loadDemo } from '../../data/demo.ts';
import { Store } from '../../data/store.ts';
import { behaviouralDataset } from '../../models/churn/dataset.ts';
import { predictTable, toDataset } from '../../models/churn/feature-table.ts';
import { rocAuc } from '../../models/churn/metrics.ts';
import { train } from '../../models/churn/model.ts';
import { STAGE_DEFAULTS, stratifiedSample } from '../../models/churn/pipeline.ts';
import { progress, timeMs, type BenchOptions, type BenchResult } from './result.ts';
import { parseSizes } from './scale.ts';

const SAMPLES = [25_000, 50_000, 100_000];
const SEED = 42;
/** A sample may cost at most this much held-out ROC-AUC against training on every row. */
const MAX_AUC_LOSS = 0.005;

export default async function bench(options: BenchOptions = {}): Promise<BenchResult> {
  const [customers] = parseSizes(options.sizes ?? '300k');
  const store = await Store.open({ path: ':memory:' });
  try {
    progress(`churn sample: ${customers} demo customers`);
    await loadDemo(store, { customers, seed: SEED });
    const asOf = await resolveAsOf(store, undefined);
    const h = STAGE_DEFAULTS.horizonDays;
    const trainSet = await behaviouralDataset(store, { cutoff: shiftDate(asOf, -2 * h), horizonDays: h });
    const heldOut = await behaviouralDataset(store, { cutoff: shiftDate(asOf, -h), horizonDays: h });
    progress(`  ${trainSet.labels.length} training rows, ${heldOut.labels.length} held-out rows`);
    const runs: { rows: number; auc: number; trainS: number }[] = [];
    for (const rows of [...SAMPLES.filter((n) => n < trainSet.labels.length), trainSet.labels.length]) {
      const { ms, result: model } = await timeMs(() => train(toDataset(stratifiedSample(trainSet, rows, SEED)), { seed: SEED }));
      const auc = rocAuc(predictTable(model, heldOut.table), heldOut.labels);
      runs.push({ rows, auc: Math.round(auc * 10_000) / 10_000, trainS: Math.round(ms / 1000) });
      progress(`  trained on ${rows} rows: held-out ROC-AUC ${auc.toFixed(4)} in ${Math.round(ms / 1000)} s`);
    }
    const all = runs.at(-1)!;
    const atDefault = runs.find((r) => r.rows === STAGE_DEFAULTS.maxTrainRows) ?? all;
    const loss = Math.round((all.auc - atDefault.auc) * 10_000) / 10_000;
    return {
      bench: 'churn-sample',
      metric: 'held_out_auc_loss_of_default_sample',
      value: loss,
      unit: 'ROC-AUC',
      goal: `the default sample (${STAGE_DEFAULTS.maxTrainRows} rows) loses at most ${MAX_AUC_LOSS} held-out ROC-AUC against all ${all.rows} training rows`,
      met: loss <= MAX_AUC_LOSS,
      customers,
      held_out_rows: heldOut.labels.length,
      runs,
    };
  } finally {
    store.close();
  }
}
