/**
 * Lifetime value at scale: 100,000 customers simulated from BG/NBD + Gamma-Gamma with known parameters (seeded),
 * then summary + both fits + 12-month predictions, timed together, and how close the fits come to the true
 * parameters; the model choice (select.ts) on the same customers, timed apart. Then the holdout check on every
 * real data set there is (scripts/bench/_datasets.ts): every purchase model and the naive baseline x/T, the
 * model chosen from the calibration period alone, and whether it beats the baseline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../data/store.ts';
import { BG_NBD, fitBgNbd } from '../../models/clv/bgnbd.ts';
import { fitGammaGamma } from '../../models/clv/gammagamma.ts';
import { predictCustomers } from '../../models/clv/predict.ts';
import { selectPurchaseModel } from '../../models/clv/select.ts';
import { simulateTransactions } from '../../models/clv/simulate.ts';
import { summarize } from '../../models/clv/summary.ts';
import { clvHoldout } from '../../models/clv/table.ts';
import { progress, timeMs, type BenchResult } from './result.ts';
import { realDataSets, type RealDataSet } from './_datasets.ts';

const CUSTOMERS = 100_000;
const GOAL_SECONDS = 5;
// "Close" = every parameter within 10% of the truth; with 100,000 customers the sampling error is a few percent.
const CLOSE_RELATIVE = 0.1;
// The CDNOW estimates, so the simulated customers look like real ones.
const TRUE_BGNBD = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const TRUE_GG = { p: 6.25, q: 3.74, gamma: 15.44 };
/** Holdout lengths: CDNOW's 39 weeks as in the papers, 90 days (the issue's) for the rest. */
const HOLDOUT_DAYS: Record<string, number> = { 'cdnow-master': 273 };
const DEFAULT_HOLDOUT_DAYS = 90;
/** The goal on real data: the chosen model's MAE at most the naive baseline's, its total error within this. */
const TOTAL_ERROR_GOAL = 0.15;

function relativeErrors<T extends Record<string, number>>(fitted: T, truth: T): Record<string, number> {
  return Object.fromEntries(Object.keys(truth).map((k) => [k, Math.abs(fitted[k] / truth[k] - 1)]));
}

export default async function bench(): Promise<BenchResult> {
  progress(`simulating ${CUSTOMERS} customers`);
  const { tx, asOf } = simulateTransactions({ customers: CUSTOMERS, seed: 11, bgnbd: TRUE_BGNBD, gammaGamma: TRUE_GG, unit: 'week' });
  progress(`${tx.customerIds.length} transactions; fitting`);
  const cpuBefore = process.cpuUsage();
  const { ms, result } = await timeMs(() => {
    const summary = summarize(tx, { asOf, unit: 'week' });
    const bg = fitBgNbd(summary);
    const gg = fitGammaGamma(summary);
    const predictions = predictCustomers(summary, { purchase: { model: BG_NBD, params: bg.params }, gammaGamma: gg.params }, { horizonMonths: 12 });
    return { summary, bg, gg, predictions };
  });
  const cpu = process.cpuUsage(cpuBefore);
  const { bg, gg } = result;
  const bgErrors = relativeErrors(bg.params as unknown as Record<string, number>, TRUE_BGNBD);
  const ggErrors = relativeErrors(gg.params as unknown as Record<string, number>, TRUE_GG);
  const close = [...Object.values(bgErrors), ...Object.values(ggErrors)].every((e) => e <= CLOSE_RELATIVE);
  const seconds = ms / 1000;
  progress('choosing the purchase model on the same customers');
  const selection = await timeMs(() => selectPurchaseModel(tx, { asOf, unit: 'week' }));
  const dir = mkdtempSync(join(tmpdir(), 'tierlab-clv-'));
  const realData = [];
  try {
    for (const set of realDataSets()) realData.push(await realDataCase(set, dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    bench: 'clv',
    metric: 'fit_seconds',
    value: Math.round(seconds * 1000) / 1000,
    unit: 's',
    goal: `summary + BG/NBD + Gamma-Gamma fits + 12-month predictions for ${CUSTOMERS} customers in < ${GOAL_SECONDS} s`,
    met: seconds < GOAL_SECONDS,
    // On a shared machine wall time includes waiting for a core; CPU time is what the work itself took.
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
    customers: result.summary.customerIds.length,
    transactions: tx.customerIds.length,
    parametersClose: close,
    closeMeans: `every parameter within ${CLOSE_RELATIVE * 100}% of the truth`,
    bgnbd: { true: TRUE_BGNBD, fitted: bg.params, relativeError: bgErrors, converged: bg.converged, iterations: bg.iterations, message: bg.message },
    gammaGamma: { true: TRUE_GG, fitted: gg.params, relativeError: ggErrors, converged: gg.converged, iterations: gg.iterations, message: gg.message },
    meanClv12m: result.predictions.clv.reduce((s, v) => s + v, 0) / result.summary.customerIds.length,
    selection: { seconds: Math.round(selection.ms) / 1000, chosen: selection.result.chosen, rule: selection.result.rule },
    loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
    realDataGoal: `the chosen model's holdout MAE <= the naive baseline's and its total error within ${TOTAL_ERROR_GOAL * 100}%`,
    realDataMet: realData.every((r) => r.met),
    realData,
  };
}

const round = (v: number, digits = 4) => Number(v.toFixed(digits));

/** One real data set: the holdout check as `tierlab clv fit --holdout-days N` runs it. */
async function realDataCase(set: RealDataSet, dir: string) {
  const store = await Store.open({ path: ':memory:' });
  try {
    progress(`${set.name}: loading`);
    await set.load(store, dir);
    const holdoutDays = HOLDOUT_DAYS[set.name] ?? DEFAULT_HOLDOUT_DAYS;
    progress(`${set.name}: ${holdoutDays}-day holdout, every model`);
    const { ms, result: h } = await timeMs(() => clvHoldout(store, { holdoutDays }));
    const figures = (s: { mae: number; rmse: number; correlation: number; totalError: number }) => ({
      mae: round(s.mae),
      rmse: round(s.rmse),
      correlation: round(s.correlation),
      totalError: round(s.totalError),
    });
    const chosen = h.models.find((m) => m.model === h.selection.chosen);
    return {
      case: set.name,
      holdoutDays,
      calibrationEnd: h.calibrationEnd,
      customers: h.customers,
      chosen: h.selection.chosen,
      rule: h.selection.rule,
      naive: figures(h.naive),
      models: h.models.map((m) => ({ model: m.model, converged: m.fit.converged, noDropout: m.fit.noDropout, ...figures(m.score) })),
      byFrequency: h.naive.byFrequency.map((g, k) => ({
        frequency: g.frequency,
        customers: g.customers,
        actualMean: round(g.actualMean),
        naiveMean: round(g.predictedMean),
        naiveMae: round(g.mae),
        ...(chosen && { chosenMean: round(chosen.score.byFrequency[k].predictedMean), chosenMae: round(chosen.score.byFrequency[k].mae) }),
      })),
      warning: h.warning ?? null,
      seconds: Math.round(ms) / 1000,
      met: !!chosen && chosen.score.mae <= h.naive.mae && Math.abs(chosen.score.totalError) <= TOTAL_ERROR_GOAL,
    };
  } finally {
    store.close();
  }
}
