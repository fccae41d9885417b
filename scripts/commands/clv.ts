import { badInput } from '../../data/errors.ts';
import { purchaseModel } from '../../models/clv/catalog.ts';
import type { PredictionScore } from '../../models/clv/evaluate.ts';
import type { HoldoutComparison } from '../../models/clv/holdout.ts';
import { PREDICT_DEFAULTS } from '../../models/clv/predict.ts';
import { clvFit, type ClvFitOptions, type ClvFitResult } from '../../services/clv.ts';
import { defineCommand, numberFlag } from '../command.ts';
import { withStore } from '../store-flag.ts';

const round = (v: number, digits = 4) => Number(v.toPrecision(digits + 2));
const percent = (share: number) => (Number.isFinite(share) ? `${share >= 0 ? '+' : ''}${(share * 100).toFixed(1)}%` : '-');
const fixed = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : '-');

function describeFit(name: string, fit: { params: object; logLikelihood: number; converged: boolean; iterations: number; message: string; customers: number }): string[] {
  const params = Object.entries(fit.params).map(([k, v]) => `${k} = ${round(v as number)}`).join(', ');
  return [
    `${name}: ${params}`,
    `  log-likelihood ${fit.logLikelihood.toFixed(2)} over ${fit.customers} customers; ${fit.converged ? 'converged' : 'NOT CONVERGED'} in ${fit.iterations} iterations (${fit.message})`,
  ];
}

/**
 * Every model's and the naive baseline's holdout figures, then the mean predicted purchases per calibration
 * frequency group beside the actual mean; `chosen` is marked.
 */
function comparisonTable(comparison: HoldoutComparison, chosen: string): string[] {
  const rows: { label: string; score: PredictionScore }[] = [
    { label: 'naive x/T', score: comparison.naive },
    ...comparison.models.map((m) => ({ label: `${m.label}${m.model === chosen ? ' *' : ''}${m.fit.converged ? '' : ' (not converged)'}`, score: m.score })),
  ];
  const width = Math.max(...rows.map((r) => r.label.length));
  const groups = comparison.naive.byFrequency;
  return [
    `  ${'model'.padEnd(width)}     MAE    RMSE   corr  predicted  actual   total`,
    ...rows.map(({ label, score: s }) =>
      `  ${label.padEnd(width)} ${fixed(s.mae).padStart(7)} ${fixed(s.rmse).padStart(7)} ${fixed(s.correlation).padStart(6)} ${s.predictedTotal.toFixed(1).padStart(10)} ${String(s.actualTotal).padStart(7)} ${percent(s.totalError).padStart(7)}`,
    ),
    `  mean purchases per customer by calibration repeat purchases (x): actual, then each row above`,
    `  ${'x'.padStart(3)} ${'customers'.padStart(9)} ${'actual'.padStart(7)} ${rows.map((r) => r.label.replace(' *', '').slice(0, 10).padStart(10)).join(' ')}`,
    ...groups.map((g, k) =>
      `  ${g.frequency.padStart(3)} ${String(g.customers).padStart(9)} ${fixed(g.actualMean).padStart(7)} ${rows.map((r) => fixed(r.score.byFrequency[k].predictedMean).padStart(10)).join(' ')}`,
    ),
  ];
}

function describe({ run, holdout }: ClvFitResult): string {
  const model = purchaseModel(run.purchase.model);
  const lines = [
    `customer_clv: ${run.customers} customers as of ${run.asOf} (unit ${run.unit}, horizon ${run.horizonMonths} months, discount ${run.discountRateAnnual * 100}% a year)`,
    `purchase model: ${model.label}, chosen by ${run.selection.rule}`,
    ...(run.selection.split ? comparisonTable(run.selection.split, run.selection.chosen) : []),
    ...(run.selection.warning ? [`  WARNING: ${run.selection.warning}`] : []),
    ...describeFit(model.label, run.purchase),
    ...(run.purchase.warning ? [`  WARNING: ${run.purchase.warning}`] : []),
    ...describeFit('Gamma-Gamma', run.gammaGamma),
  ];
  if (holdout) {
    const chosen = purchaseModel(holdout.selection.chosen);
    lines.push(
      '',
      `holdout: every model fitted before ${holdout.calibrationEnd} and scored on the ${holdout.holdoutDays} days after (${holdout.customers} customers); ` +
        `${chosen.label} * is the one chosen from the calibration period alone`,
      ...comparisonTable(holdout, holdout.selection.chosen),
      ...(holdout.warning ? [`  WARNING: ${holdout.warning}`] : []),
    );
  }
  return lines.join('\n');
}

export default defineCommand({
  summary: 'Fit lifetime value (BG/NBD, MBG/NBD or Pareto/NBD, chosen on the data, + Gamma-Gamma) and write customer_clv',
  usage: `
tierlab clv fit [--db PATH] [--as-of DATE] [--unit day|week] [--horizon-months N] [--discount-rate R]
                [--holdout-days N] [--json]

  --as-of DATE        cutoff YYYY-MM-DD; transactions before it count (default: the day after the last one)
  --unit U            model time unit, day or week (default week)
  --horizon-months N  months ahead for expected purchases and CLV (default ${PREDICT_DEFAULTS.horizonMonths})
  --discount-rate R   annual discount rate, applied monthly (default ${PREDICT_DEFAULTS.discountRateAnnual})
  --holdout-days N    also fit every model on data before as-of minus N days and score it on those N days
  --json              print the fits (and holdout) as JSON
  --db PATH           the DuckDB store (default: $TIERLAB_HOME/tierlab.duckdb)

The purchase model is chosen among BG/NBD, MBG/NBD and Pareto/NBD by the lowest MAE on the last quarter of the
history (at least 28 days, at most 365), each fitted on the days before. Prints that comparison beside the naive
baseline (each customer repeating their own rate x/T): MAE, RMSE, correlation and total error, and the mean per
calibration frequency group; a warning when the naive baseline wins on MAE, and when the chosen model finds no
dropout (p_alive ~1 for everyone). With --holdout-days the same table on the holdout. Writes table customer_clv.`,
  options: {
    db: { type: 'string' },
    'as-of': { type: 'string' },
    unit: { type: 'string' },
    'horizon-months': { type: 'string' },
    'discount-rate': { type: 'string' },
    'holdout-days': { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: true,
  async run(flags, positionals) {
    if (positionals.length !== 1 || positionals[0] !== 'fit') throw badInput(`clv needs an action: fit, got "${positionals.join(' ')}" (tierlab clv --help)`);
    const unit = flags.unit ?? 'week';
    if (unit !== 'day' && unit !== 'week') throw badInput(`--unit must be day or week, got "${unit}"`, { field: 'unit' });
    const options: ClvFitOptions = {
      asOf: flags['as-of'],
      unit,
      horizonMonths: numberFlag(flags['horizon-months'], 'horizon-months', PREDICT_DEFAULTS.horizonMonths),
      discountRateAnnual: numberFlag(flags['discount-rate'], 'discount-rate', PREDICT_DEFAULTS.discountRateAnnual),
      holdoutDays: flags['holdout-days'] === undefined ? undefined : numberFlag(flags['holdout-days'], 'holdout-days', 0),
    };
    const result = await withStore(flags.db, (store) => clvFit(store, options));
    console.log(flags.json ? JSON.stringify(result) : describe(result));
    const converged = result.run.purchase.converged && result.run.gammaGamma.converged;
    if (!converged) console.error('tierlab: a lifetime-value fit did not converge; predictions use the best estimate found');
    return converged ? 0 : 1;
  },
});
