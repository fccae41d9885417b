/**
 * What the three purchase models (BG/NBD, MBG/NBD, Pareto/NBD) have in common, and their one fitting routine.
 * Each says how many repeat purchases a customer makes while alive (Poisson at rate lambda ~ Gamma(r, alpha),
 * the same in all three) and how they drop out (after a purchase, also right after the first one, or at any
 * time), so each gives P(alive) and expected purchases from the same (x, t_x, T).
 */
import { badInput } from '../../data/errors.ts';
import { maximizePositive, type LikelihoodFit, type MinimizeOptions } from './optimize.ts';
import { groupRepeatData, validateRepeatData, type RepeatData, type RepeatGroups } from './repeat-data.ts';

export type PurchaseModelName = 'bgnbd' | 'mbgnbd' | 'paretonbd';

/** The purchase-rate heterogeneity every model shares; each adds its dropout parameters. */
export interface PurchaseParams {
  r: number;
  alpha: number;
}

export interface PurchaseModel<P extends PurchaseParams = PurchaseParams> {
  name: PurchaseModelName;
  /** As the literature writes it: "BG/NBD". */
  label: string;
  /** The positive quantities the search moves (on a log scale): the parameters, or a reparametrization of them. */
  searchNames: readonly string[];
  /** The parameters at a point of the search. */
  fromSearch(values: Float64Array): P;
  /** Starting point of the search, given alpha matching the mean purchase rate. */
  start(alpha: number): number[];
  /**
   * Search quantities whose running to the bound is a limit the model nests, not a failed search, with what that
   * limit means (Pareto/NBD: s -> infinity at a fixed mean lifetime is one dropout rate for everyone).
   */
  boundaryLimits?: Readonly<Record<string, string>>;
  /** A search bound lower than the general e^15, per search quantity, where a limit is reached long before. */
  maxima?: Readonly<Record<string, number>>;
  logLikelihood(params: P, groups: RepeatGroups, maxX: number): number;
  probabilityAlive(params: P, x: number, recency: number, age: number): number;
  /** E[purchases in the next t | x, t_x, T], in the data's time unit: P(alive) times `expectedPurchasesIfAlive`. */
  expectedPurchases(params: P, t: number, x: number, recency: number, age: number): number;
  /**
   * E[purchases in the next t | alive, x, T]: in all three models it does not depend on t_x, so predictions over
   * many horizons compute P(alive) (Pareto/NBD: a quadrature) once and multiply.
   */
  expectedPurchasesIfAlive(params: P, t: number, x: number, age: number): number;
}

export interface PurchaseFit<P extends PurchaseParams = PurchaseParams> extends LikelihoodFit<P> {
  model: PurchaseModelName;
  /** Sum of 1 - p_alive over the fitted customers: how many of them the fit believes have dropped out. */
  expectedDropouts: number;
  /** The fit found no dropout at all (see `NO_DROPOUT_BELOW`); `warning` then says what that means. */
  noDropout: boolean;
  warning?: string;
}

// Each model nests the NBD (nobody ever drops out) as a limit of its dropout parameters (BG/NBD and MBG/NBD:
// a / (a + b) -> 0; Pareto/NBD: the dropout rate s / beta -> 0). When the data hold no more silence than
// gamma-spread Poisson buying explains, the likelihood keeps rising towards that limit and the search walks those
// parameters to e^+-15; which ones, and how far, is an accident of the path (the likelihood is flat along it),
// so a bound hit is not the test. What the fit means for customers is: sum(1 - p_alive) is how many of them it
// believes have dropped out, in the hundreds on CDNOW and ~1e-8 in that corner. Below one, the model has seen
// no customer leave and p_alive is ~1 for everyone.
const NO_DROPOUT_BELOW = 1;

/**
 * Fits a purchase model by maximum likelihood (Nelder-Mead on log-parameters). Check `converged` before
 * trusting the result (the message says why not), and `noDropout`: then the fit sits at the no-dropout limit,
 * which counts as converged when only dropout parameters ran to the bound, and `warning` says what it means.
 *
 * @example
 * const fit = fitPurchaseModel(PARETO_NBD, summary); // fit.params, fit.logLikelihood, fit.converged, fit.noDropout
 */
export function fitPurchaseModel<P extends PurchaseParams>(
  model: PurchaseModel<P>,
  data: RepeatData,
  options: MinimizeOptions = {},
): PurchaseFit<P> {
  const maxX = validateRepeatData(data);
  const n = data.frequency.length;
  if (n === 0) throw badInput('no customers to fit');
  let sumX = 0;
  let sumT = 0;
  for (let i = 0; i < n; i++) {
    sumX += data.frequency[i];
    sumT += data.age[i];
  }
  const groups = groupRepeatData(data);
  const start = model.start(Math.max(sumT, 1) / Math.max(sumX, 1));
  const fit = maximizePositive((values) => model.logLikelihood(model.fromSearch(values), groups, maxX), start, {
    scale: n,
    names: [...model.searchNames],
    maxima: model.searchNames.map((name) => model.maxima?.[name] ?? 0),
    ...options,
  });
  const params = model.fromSearch(fit.params);
  const dropout = diagnoseDropout(model, params, groups);
  const dropoutNames = new Set<string>(model.searchNames.filter((name) => name !== 'r' && name !== 'alpha'));
  const limits = model.boundaryLimits ?? {};
  // At the no-dropout limit the dropout parameters run to the bound by design; whether the search stopped a hair
  // inside it or on it is the accident of the path, so it counts as converged if it settled. The same holds for
  // a limit the model nests (boundaryLimits).
  const noDropoutLimit = dropout.noDropout && fit.atBound.every((name) => dropoutNames.has(name));
  const nestedLimit = fit.atBound.every((name) => name in limits);
  const atLimit = fit.settled && fit.atBound.length > 0 && (noDropoutLimit || nestedLimit);
  const message = !atLimit
    ? fit.message
    : noDropoutLimit
      ? `converged to the no-dropout limit (${fit.atBound.join(', ')} ran to the search bound)`
      : `converged to a limit: ${fit.atBound.map((name) => limits[name]).join('; ')} (${fit.atBound.join(', ')} ran to the search bound)`;
  return { ...fit, model: model.name, converged: fit.converged || atLimit, message, params, customers: n, ...dropout };
}

/** How much dropout a fit sees in its customers, and the warning when it sees none (see `NO_DROPOUT_BELOW`). */
function diagnoseDropout<P extends PurchaseParams>(model: PurchaseModel<P>, params: P, groups: RepeatGroups): Pick<PurchaseFit, 'expectedDropouts' | 'noDropout' | 'warning'> {
  let customers = 0;
  let expectedDropouts = 0;
  for (let k = 0; k < groups.weight.length; k++) {
    customers += groups.weight[k];
    expectedDropouts += groups.weight[k] * (1 - model.probabilityAlive(params, groups.frequency[k], groups.recency[k], groups.age[k]));
  }
  if (expectedDropouts >= NO_DROPOUT_BELOW) return { expectedDropouts, noDropout: false };
  const warning =
    `${model.label} found no dropout in this data (customers it believes dropped out: ${expectedDropouts.toExponential(1)} of ${customers}): ` +
    'p_alive is ~1 for everyone, so treat CLV as an upper bound (most of all for customers who have gone quiet) and use the churn model for risk';
  return { expectedDropouts, noDropout: true, warning };
}
