/**
 * What fitting lifetime value on a sample of customers costs in quality: on the seeded demo shop (default
 * 300,000 customers; `--sizes` takes another), the purchase model the retrain chooses and Gamma-Gamma fitted on
 * seeded samples of 10,000, 20,000 (the default `maxFitCustomers`), 50,000 and 100,000 customers of a
 * calibration period and on all of them, each predicting every customer's purchases over the holdout (the split
 * the model choice uses: the last quarter of the history, at most 365 days). Prints each fit's parameters,
 * holdout MAE and total error over every customer, and fitting time, beside the fit on all customers.
 */
import { dateOfDay, dayOfDate, DAY_MS, resolveAsOf } from '../../data/dates.ts';
import { loadDemo } from '../../data/demo.ts';
import { Store } from '../../data/store.ts';
import { purchaseModel } from '../../models/clv/catalog.ts';
import { modelPredictions, scorePredictions } from '../../models/clv/evaluate.ts';
import { expectedOrderValue, fitGammaGamma } from '../../models/clv/gammagamma.ts';
import { fitPurchaseModel } from '../../models/clv/purchase.ts';
import { sampleSummary } from '../../models/clv/sample.ts';
import { SELECTION_DEFAULTS, selectPurchaseModel } from '../../models/clv/select.ts';
import { orderDays, summarize, UNIT_DAYS } from '../../models/clv/summary.ts';
import { CLV_DEFAULTS, readTransactions } from '../../models/clv/table.ts';
import { progress, timeMs, type BenchOptions, type BenchResult } from './result.ts';
import { parseSizes } from './scale.ts';

const SAMPLES = [10_000, 20_000, 50_000, 100_000];
const SEED = 42;
/** The default sample may be at most this much worse (relative holdout MAE) than the fit on every customer. */
const MAX_MAE_LOSS = 0.005;

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

export default async function bench(options: BenchOptions = {}): Promise<BenchResult> {
  const [customers] = parseSizes(options.sizes ?? '300k');
  const store = await Store.open({ path: ':memory:' });
  try {
    progress(`clv sample: ${customers} demo customers`);
    await loadDemo(store, { customers, seed: SEED });
    const asOf = await resolveAsOf(store, undefined);
    const tx = await readTransactions(store, { before: asOf });
    const { chosen } = selectPurchaseModel(tx, { asOf });
    const model = purchaseModel(chosen);
    // The selection's split: the last quarter of the history (at most 365 days) held out.
    const end = dayOfDate(asOf);
    let first = Infinity;
    for (let i = 0; i < tx.timesMs.length; i++) first = Math.min(first, Math.floor(tx.timesMs[i] / DAY_MS));
    const holdoutDays = Math.min(SELECTION_DEFAULTS.maxValidationDays, Math.round((end - first) * SELECTION_DEFAULTS.validationShare));
    const calibrationEnd = dateOfDay(end - holdoutDays);
    const calibration = summarize(tx, { asOf: calibrationEnd });
    const holdout = orderDays(tx, { fromDay: end - holdoutDays, toDay: end });
    const actual = Float64Array.from(calibration.customerIds, (id) => holdout.get(id)?.length ?? 0);
    const n = calibration.customerIds.length;
    progress(`  ${model.label} on ${n} customers before ${calibrationEnd}, ${holdoutDays}-day holdout`);

    const runs = [];
    for (const size of [...SAMPLES.filter((s) => s < n), n]) {
      const sample = sampleSummary(calibration, size, SEED);
      const { ms, result: fit } = await timeMs(() => fitPurchaseModel(model, sample));
      const spend = fitGammaGamma(sample);
      const score = scorePredictions(modelPredictions(model, fit.params, calibration, holdoutDays / UNIT_DAYS[calibration.unit]), actual, calibration.frequency);
      const params = Object.fromEntries(Object.entries(fit.params).map(([k, v]) => [k, round(v)]));
      const spendParams = Object.fromEntries(Object.entries(spend.params).map(([k, v]) => [k, round(v)]));
      const run = {
        customers: size,
        params,
        gammaGamma: spendParams,
        populationAov: round(expectedOrderValue(spend.params, 0, 0), 2),
        mae: round(score.mae),
        totalError: round(score.totalError),
        fitS: round(ms / 1000, 1),
      };
      runs.push(run);
      progress(`  fitted on ${size}: ${JSON.stringify(run)}`);
    }
    const all = runs.at(-1)!;
    const atDefault = runs.find((r) => r.customers === CLV_DEFAULTS.maxFitCustomers) ?? all;
    const loss = round((atDefault.mae - all.mae) / all.mae);
    return {
      bench: 'clv-sample',
      metric: 'holdout_mae_relative_loss_of_default_sample',
      value: loss,
      unit: 'share',
      goal: `the default sample (${CLV_DEFAULTS.maxFitCustomers} customers) has a holdout MAE at most ${MAX_MAE_LOSS * 100}% above the fit on all ${n}`,
      met: loss <= MAX_MAE_LOSS,
      customers,
      model: model.label,
      calibration_customers: n,
      holdout_days: holdoutDays,
      runs,
    };
  } finally {
    store.close();
  }
}
