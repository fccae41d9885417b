import { badInput } from '../../data/errors.ts';
import { purchaseModel } from '../../models/clv/catalog.ts';
import type { PredictionScore } from '../../models/clv/evaluate.ts';
import type { HoldoutComparison } from '../../models/clv/holdout.ts';
import { PREDICT_DEFAULTS } from '../../models/clv/predict.ts';
import { clvFit, type ClvFitOptions, type ClvFitResult } from '../../services/clv.ts';
import { defineCommand, numberFlag } from '../command.ts';
import type { Lang } from '../../data/lang.ts';
import { cliWords } from '../cli-words.ts';
import { LANG_USAGE, langFlag } from '../lang-flag.ts';
import { withStore } from '../store-flag.ts';
import { pad } from '../text-table.ts';

const round = (v: number, digits = 4) => Number(v.toPrecision(digits + 2));
const percent = (share: number) => (Number.isFinite(share) ? `${share >= 0 ? '+' : ''}${(share * 100).toFixed(1)}%` : '-');
const fixed = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : '-');

function describeFit(name: string, fit: { params: object; logLikelihood: number; converged: boolean; iterations: number; message: string; customers: number }, lang: Lang): string[] {
  const words = cliWords(lang);
  const params = Object.entries(fit.params).map(([k, v]) => `${k} = ${round(v as number)}`).join(', ');
  return [
    `${name}: ${params}`,
    `  ${words('fitLine', { ll: fit.logLikelihood.toFixed(2), customers: fit.customers, state: words(fit.converged ? 'converged' : 'notConverged'), iterations: fit.iterations, message: fit.message })}`,
  ];
}

/**
 * Every model's and the naive baseline's holdout figures, then the mean predicted purchases per calibration
 * frequency group beside the actual mean; `chosen` is marked.
 */
function comparisonTable(comparison: HoldoutComparison, chosen: string, lang: Lang): string[] {
  const words = cliWords(lang);
  const rows: { label: string; score: PredictionScore }[] = [
    { label: 'naive x/T', score: comparison.naive },
    ...comparison.models.map((m) => ({ label: `${m.label}${m.model === chosen ? ' *' : ''}${m.fit.converged ? '' : ` ${words('notConvergedMark')}`}`, score: m.score })),
  ];
  const width = Math.max(...rows.map((r) => r.label.length));
  const groups = comparison.naive.byFrequency;
  return [
    `  ${pad(words('model'), width)} ${pad('MAE', 7, 'right')} ${pad('RMSE', 7, 'right')} ${pad('corr', 6, 'right')} ${pad(words('predicted'), 10, 'right')} ${pad(words('actual'), 7, 'right')} ${pad(words('total'), 7, 'right')}`,
    ...rows.map(({ label, score: s }) =>
      `  ${label.padEnd(width)} ${fixed(s.mae).padStart(7)} ${fixed(s.rmse).padStart(7)} ${fixed(s.correlation).padStart(6)} ${s.predictedTotal.toFixed(1).padStart(10)} ${String(s.actualTotal).padStart(7)} ${percent(s.totalError).padStart(7)}`,
    ),
    `  ${words('byRepeat')}`,
    `  ${'x'.padStart(3)} ${pad(words('customers'), 9, 'right')} ${pad(words('actual'), 7, 'right')} ${rows.map((r) => r.label.replace(' *', '').slice(0, 10).padStart(10)).join(' ')}`,
    ...groups.map((g, k) =>
      `  ${g.frequency.padStart(3)} ${String(g.customers).padStart(9)} ${fixed(g.actualMean).padStart(7)} ${rows.map((r) => fixed(r.score.byFrequency[k].predictedMean).padStart(10)).join(' ')}`,
    ),
  ];
}

/** The fits and their comparison in `lang` (the models' own messages, rules and warnings stay as they wrote them). */
function describe({ run, holdout }: ClvFitResult, lang: Lang): string {
  const words = cliWords(lang);
  const model = purchaseModel(run.purchase.model);
  const warning = (text: string | undefined | null) => (text ? [`  ${words('warning')}: ${text}`] : []);
  const lines = [
    words('clvSummary', { customers: run.customers, asOf: run.asOf, unit: run.unit, months: run.horizonMonths, discount: run.discountRateAnnual * 100 }),
    words('clvModel', { model: model.label, rule: run.selection.rule }),
    ...(run.selection.split ? comparisonTable(run.selection.split, run.selection.chosen, lang) : []),
    ...warning(run.selection.warning),
    ...describeFit(model.label, run.purchase, lang),
    ...warning(run.purchase.warning),
    ...describeFit('Gamma-Gamma', run.gammaGamma, lang),
  ];
  if (holdout) {
    const chosen = purchaseModel(holdout.selection.chosen);
    lines.push(
      '',
      words('holdout', { end: holdout.calibrationEnd, days: holdout.holdoutDays, customers: holdout.customers, model: chosen.label }),
      ...comparisonTable(holdout, holdout.selection.chosen, lang),
      ...warning(holdout.warning),
    );
  }
  return lines.join('\n');
}

export default defineCommand({
  summary: 'Fit lifetime value (BG/NBD, MBG/NBD or Pareto/NBD, chosen on the data, + Gamma-Gamma) and write customer_clv',
  usage: `
tierlab clv fit [--db PATH] [--as-of DATE] [--unit day|week] [--horizon-months N] [--discount-rate R]
                [--holdout-days N] [--lang en|zh] [--json]

  --as-of DATE        cutoff YYYY-MM-DD; transactions before it count (default: the day after the last one)
  --unit U            model time unit, day or week (default week)
  --horizon-months N  months ahead for expected purchases and CLV (default ${PREDICT_DEFAULTS.horizonMonths})
  --discount-rate R   annual discount rate, applied monthly (default ${PREDICT_DEFAULTS.discountRateAnnual})
  --holdout-days N    also fit every model on data before as-of minus N days and score it on those N days
  --json              print the fits (and holdout) as JSON
  ${LANG_USAGE}
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
    lang: { type: 'string' },
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
    const lang = langFlag(flags.lang);
    const result = await withStore(flags.db, (store) => clvFit(store, options));
    console.log(flags.json ? JSON.stringify(result) : describe(result, lang));
    const converged = result.run.purchase.converged && result.run.gammaGamma.converged;
    if (!converged) console.error('tierlab: a lifetime-value fit did not converge; predictions use the best estimate found');
    return converged ? 0 : 1;
  },
});
