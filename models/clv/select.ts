/**
 * Which purchase model to trust on this data: the one that predicted best on a calibration split of the
 * user's own history. The last `validationShare` of the days from the first order to the cutoff are held
 * out (at least `minValidationDays`, at most `maxValidationDays`); every model is fitted on the days before and
 * scored on them (holdout.ts), and the lowest MAE wins. MAEs within 1% of the lowest are a tie: on a split of a
 * few thousand customers that is within the noise (CDNOW: MBG/NBD 0.2911, Pareto/NBD 0.2910). A tie goes to
 * the smaller error in the total number of purchases, which a forecast of demand rests on (CDNOW: -6.0% against
 * -10.0%, and on the real holdout -12.9% against -19.1% at the same MAE), and then to the earlier model of the
 * catalog (on the retail log all three sit at the same no-dropout limit and differ by rounding). The naive
 * baseline is scored on the same split; a warning says when it beats the chosen model.
 * Above `maxCustomers` customers the split is scored on a seeded uniform sample of that many: the comparison
 * needs MAEs to about a percent, not every customer, and Pareto/NBD costs a quadrature per customer group and
 * likelihood evaluation. The chosen model is then fitted on every customer.
 */
import { PURCHASE_MODELS } from './catalog.ts';
import { compareOnHoldout, type HoldoutComparison, type ModelScore } from './holdout.ts';
import type { PurchaseModelName } from './purchase.ts';
import { sampleIndices } from './sample.ts';
import { DAY_MS, dateOfDay, dayOfDate, parseDate } from '../../data/dates.ts';
import type { TimeUnit, TransactionArrays } from './summary.ts';

export const SELECTION_DEFAULTS = { validationShare: 0.25, minValidationDays: 28, maxValidationDays: 365, maxCustomers: 20_000, seed: 42 } as const;

/** MAEs within this share of the lowest are a tie; total errors within this many (as shares) are too. */
const MAE_TIE = 0.01;
const TOTAL_TIE = 0.001;

export interface SelectionOptions {
  /** Cutoff 'YYYY-MM-DD': the history is the transactions before it. */
  asOf: string;
  unit?: TimeUnit;
  validationShare?: number;
  minValidationDays?: number;
  maxValidationDays?: number;
  maxCustomers?: number;
  seed?: number;
}

export interface ModelSelection {
  chosen: PurchaseModelName;
  /** How the model was chosen, in words. */
  rule: string;
  /** The split and every model's figures on it; absent when the history is too short to split. */
  split?: HoldoutComparison;
  /** Set when the naive baseline beat the chosen model on the split, by MAE. */
  warning?: string;
}

/**
 * Chooses the purchase model for the history before `asOf` (see the module comment).
 *
 * @example
 * const { chosen, split, warning } = selectPurchaseModel(tx, { asOf: '2011-12-10', unit: 'week' });
 */
export function selectPurchaseModel(tx: TransactionArrays, options: SelectionOptions): ModelSelection {
  const o = { ...SELECTION_DEFAULTS, ...options };
  const end = dayOfDate(parseDate(o.asOf, 'asOf'));
  let first = Infinity;
  for (let i = 0; i < tx.timesMs.length; i++) first = Math.min(first, Math.floor(tx.timesMs[i] / DAY_MS));
  const validationDays = Math.min(o.maxValidationDays, Math.round((end - first) * o.validationShare));
  const fallback = PURCHASE_MODELS[0];
  if (!(validationDays >= o.minValidationDays)) {
    return { chosen: fallback.name, rule: `${fallback.label}: the history (${end - first} days) is too short to hold out ${o.minValidationDays} days and compare models` };
  }
  const sample = sampleCustomers(tx, o.maxCustomers, o.seed);
  const split = compareOnHoldout(sample, { calibrationEnd: dateOfDay(end - validationDays), holdoutDays: validationDays, unit: o.unit });
  const usable = split.models.filter((m) => m.fit.converged);
  const candidates = usable.length ? usable : split.models;
  if (!candidates.length) return { chosen: fallback.name, rule: `${fallback.label}: no model could be fitted on the calibration split`, split };
  const best = Math.min(...candidates.map((m) => m.score.mae));
  const tied = candidates.filter((m) => m.score.mae <= best * (1 + MAE_TIE));
  const totalOff = (m: ModelScore) => (Number.isFinite(m.score.totalError) ? Math.abs(m.score.totalError) : Infinity);
  const closest = Math.min(...tied.map(totalOff));
  const winner = tied.find((m) => totalOff(m) <= closest + TOTAL_TIE)!;
  const rule =
    `lowest MAE over the last ${validationDays} days before ${o.asOf} (from ${split.calibrationEnd})` +
    (sample === tx ? '' : ` on a sample of ${o.maxCustomers} customers`) +
    `, each model fitted on the days before; MAEs within 1% a tie, won by the smaller total error` +
    (usable.length < split.models.length ? `; not converged, so not chosen: ${split.models.filter((m) => !m.fit.converged).map((m) => m.label).join(', ')}` : '');
  return { chosen: winner.model, rule, split, warning: naiveWarning(winner, split, `on the calibration split (last ${validationDays} days)`) };
}

/** The lines of `size` customers drawn uniformly (seeded) from those in `tx`; `tx` itself when it has no more. */
function sampleCustomers(tx: TransactionArrays, size: number, seed: number): TransactionArrays {
  const ids = [...new Set(Array.from(tx.customerIds))].sort();
  if (ids.length <= size) return tx;
  const keep = new Set(Array.from(sampleIndices(ids.length, size, seed), (i) => ids[i]));
  const lines: number[] = [];
  for (let i = 0; i < tx.customerIds.length; i++) if (keep.has(tx.customerIds[i])) lines.push(i);
  return {
    customerIds: lines.map((i) => tx.customerIds[i]),
    timesMs: Float64Array.from(lines, (i) => tx.timesMs[i]),
    amounts: Float64Array.from(lines, (i) => tx.amounts[i]),
  };
}

/**
 * The warning when the naive baseline has a lower MAE than a model, or undefined.
 *
 * @example
 * naiveWarning(split.models[0], split, 'on the 90-day holdout');
 */
export function naiveWarning(model: ModelScore, comparison: HoldoutComparison, where: string): string | undefined {
  const { naive } = comparison;
  if (!(naive.mae < model.score.mae)) return undefined;
  return (
    `${where}, the naive baseline (each customer repeating their own rate x/T) predicted purchases better than ${model.label} ` +
    `by MAE (${naive.mae.toFixed(3)} vs ${model.score.mae.toFixed(3)}; RMSE ${naive.rmse.toFixed(3)} vs ${model.score.rmse.toFixed(3)}, ` +
    `total ${percent(naive.totalError)} vs ${percent(model.score.totalError)}): read expected purchases and CLV as rough, and check them against that baseline`
  );
}

const percent = (share: number) => `${share >= 0 ? '+' : ''}${(share * 100).toFixed(1)}%`;
