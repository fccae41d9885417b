import { refreshAnalyticsView } from '../../data/analytics.ts';
import { badInput } from '../../data/errors.ts';
import type { Store } from '../../data/store.ts';
import { PREDICT_DEFAULTS } from '../../models/clv/predict.ts';
import type { TimeUnit } from '../../models/clv/summary.ts';
import { clvHoldout, writeClv, type ClvRun } from '../../models/clv/table.ts';
import type { HoldoutReport } from '../../models/clv/holdout.ts';
import type { BgNbdFit } from '../../models/clv/bgnbd.ts';
import { defineCommand, numberFlag } from '../command.ts';
import { withStore } from '../store-flag.ts';

export interface ClvFitOptions {
  asOf?: string;
  unit?: TimeUnit;
  horizonMonths?: number;
  discountRateAnnual?: number;
  /** When set, also fit on all but the last `holdoutDays` before asOf and compare with them. */
  holdoutDays?: number;
}

export interface ClvFitResult {
  run: ClvRun;
  holdout?: { calibrationEnd: string; fit: BgNbdFit; report: HoldoutReport };
}

/**
 * What `tierlab clv fit` does: the optional holdout check, then fit, predict and write `customer_clv`, then
 * refresh `customer_analytics`.
 *
 * @example
 * const { run, holdout } = await clvFit(store, { asOf: '1998-07-01', holdoutDays: 273 });
 */
export async function clvFit(store: Store, options: ClvFitOptions = {}): Promise<ClvFitResult> {
  const holdout =
    options.holdoutDays === undefined ? undefined : await clvHoldout(store, { asOf: options.asOf, holdoutDays: options.holdoutDays, unit: options.unit });
  const run = await writeClv(store, options);
  await refreshAnalyticsView(store);
  return { run, holdout };
}

const round = (v: number, digits = 4) => Number(v.toPrecision(digits + 2));

function describeFit(name: string, fit: { params: object; logLikelihood: number; converged: boolean; iterations: number; message: string; customers: number }): string[] {
  const params = Object.entries(fit.params).map(([k, v]) => `${k} = ${round(v as number)}`).join(', ');
  return [
    `${name}: ${params}`,
    `  log-likelihood ${fit.logLikelihood.toFixed(2)} over ${fit.customers} customers; ${fit.converged ? 'converged' : 'NOT CONVERGED'} in ${fit.iterations} iterations (${fit.message})`,
  ];
}

function describe({ run, holdout }: ClvFitResult): string {
  const lines = [
    `customer_clv: ${run.customers} customers as of ${run.asOf} (unit ${run.unit}, horizon ${run.horizonMonths} months, discount ${run.discountRateAnnual * 100}% a year)`,
    ...describeFit('BG/NBD', run.bgnbd),
    ...(run.bgnbd.warning ? [`  WARNING: ${run.bgnbd.warning}`] : []),
    ...describeFit('Gamma-Gamma', run.gammaGamma),
  ];
  if (holdout) {
    const r = holdout.report;
    lines.push(
      `holdout: calibration before ${holdout.calibrationEnd}, ${r.holdoutDays} days after (${holdout.fit.converged ? (holdout.fit.noDropout ? 'fit at the no-dropout limit' : 'fit converged') : 'fit NOT converged'})`,
      ...(holdout.fit.warning ? [`  WARNING (calibration fit): ${holdout.fit.warning}`] : []),
      `  repeat orders expected ${r.expectedTotal.toFixed(1)}, actual ${r.actualTotal} (${(((r.expectedTotal - r.actualTotal) / r.actualTotal) * 100).toFixed(1)}%); MAE per customer ${r.mae.toFixed(3)}`,
      '  by calibration repeat orders: x  customers  expected  actual',
      ...r.byFrequency.map((g) => `    ${g.frequency.padStart(3)} ${String(g.customers).padStart(10)} ${g.expectedMean.toFixed(3).padStart(9)} ${g.actualMean.toFixed(3).padStart(7)}`),
    );
  }
  return lines.join('\n');
}

export default defineCommand({
  summary: 'Fit lifetime value (BG/NBD + Gamma-Gamma) and write customer_clv',
  usage: `
tierlab clv fit [--db PATH] [--as-of DATE] [--unit day|week] [--horizon-months N] [--discount-rate R]
                [--holdout-days N] [--json]

  --as-of DATE        cutoff YYYY-MM-DD; transactions before it count (default: the day after the last one)
  --unit U            model time unit, day or week (default week)
  --horizon-months N  months ahead for expected purchases and CLV (default ${PREDICT_DEFAULTS.horizonMonths})
  --discount-rate R   annual discount rate, applied monthly (default ${PREDICT_DEFAULTS.discountRateAnnual})
  --holdout-days N    also fit on data before as-of minus N days and compare its predictions with those N days
  --json              print the fits (and holdout) as JSON
  --db PATH           the DuckDB store (default: $TIERLAB_HOME/tierlab.duckdb)

Prints the fitted parameters, log-likelihoods and convergence, and a warning when BG/NBD finds no dropout (p_alive
~1 for everyone); writes table customer_clv.`,
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
    const converged = result.run.bgnbd.converged && result.run.gammaGamma.converged;
    if (!converged) console.error('tierlab: a lifetime-value fit did not converge; predictions use the best estimate found');
    return converged ? 0 : 1;
  },
});
