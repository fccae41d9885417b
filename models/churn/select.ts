/**
 * Honest selection by inner K-fold cross-validation on the training rows. Every candidate is fitted on each
 * fold's K - 1 parts and followed step by step (epochs or rounds) on the held-out part; one step count per
 * candidate is then chosen where the curve averaged over folds is best (as xgboost.cv and lightgbm.cv do), and
 * the out-of-fold margins at that step stand for the candidate. Blends (the mean of members' margins) are judged
 * on the same out-of-fold margins at no extra fitting cost. The winner is the best mean per-fold ROC-AUC; a blend
 * must beat every single model in it. Its out-of-fold probabilities are what calibration is fitted on.
 */
import { rocAuc } from './metrics.ts';
import { sigmoid, type Candidate, type Dataset, type MemberKind } from './candidates.ts';
import { stratifiedFolds } from './random.ts';

export interface CandidateReport {
  /** Member kinds joined by '+', e.g. 'gbdt' or 'gbdt+logistic'. */
  name: string;
  members: MemberKind[];
  /** ROC-AUC of each held-out fold. */
  foldAuc: number[];
  cvAuc: number;
  cvAucStd: number;
}

export interface Selection {
  method: string;
  folds: number;
  chosen: string;
  /** Epochs (networks) or rounds (trees) per member kind, chosen on the folds and used for the refit. */
  steps: Partial<Record<MemberKind, number>>;
  candidates: CandidateReport[];
  /** Log loss of each calibration on the chosen candidate's out-of-fold probabilities. */
  calibration: Record<string, number>;
}

/** Every non-empty subset of the kinds, singles first, in the order given. */
function blends(kinds: MemberKind[]): MemberKind[][] {
  const all: MemberKind[][] = [];
  for (let mask = 1; mask < 1 << kinds.length; mask++) all.push(kinds.filter((_, i) => mask & (1 << i)));
  return all.sort((a, b) => a.length - b.length);
}

/**
 * Probabilities of a blend from its members' margins: a single member's own probabilities, else the sigmoid of
 * the mean margin.
 */
export function combineMargins(margins: Float64Array[]): Float64Array {
  const out = new Float64Array(margins[0].length);
  for (const m of margins) for (let i = 0; i < out.length; i++) out[i] += m[i] / margins.length;
  return out.map(sigmoid);
}

function bestStep(curves: number[][], higherIsBetter: boolean): number {
  const length = Math.min(...curves.map((c) => c.length));
  let best = 1;
  let bestValue = higherIsBetter ? -Infinity : Infinity;
  for (let s = 1; s <= length; s++) {
    const mean = curves.reduce((sum, c) => sum + c[s - 1], 0) / curves.length;
    if (higherIsBetter ? mean > bestValue + 1e-9 : mean < bestValue - 1e-9) {
      bestValue = mean;
      best = s;
    }
  }
  return best;
}

function subsetOf(data: Dataset, idx: number[]): Dataset {
  return { ids: idx.map((i) => data.ids[i]), rows: idx.map((i) => data.rows[i]), labels: Float64Array.from(idx, (i) => data.labels[i]) };
}

/**
 * @example
 * const { selection, oof } = await selectByInnerCV(data, [treeCandidate({}), networkCandidate('logistic', settings)], { folds: 3, seed: 42 });
 */
export async function selectByInnerCV(
  data: Dataset,
  candidates: Candidate[],
  options: { folds: number; seed: number },
): Promise<{ selection: Omit<Selection, 'calibration'>; probabilities: Float64Array }> {
  const fold = stratifiedFolds(data.labels, { k: options.folds, seed: options.seed });
  const members = Array.from({ length: options.folds }, (_, f) => Array.from(fold.keys()).filter((i) => fold[i] === f));
  const oof = new Map<MemberKind, Float64Array>();
  const steps: Partial<Record<MemberKind, number>> = {};
  for (const candidate of candidates) {
    const runs = [];
    for (let f = 0; f < options.folds; f++) {
      const rest = Array.from(fold.keys()).filter((i) => fold[i] !== f);
      runs.push(await candidate.fitFold(subsetOf(data, rest), subsetOf(data, members[f])));
    }
    const step = bestStep(runs.map((r) => r.curve), candidate.higherIsBetter);
    steps[candidate.kind] = step;
    const margins = new Float64Array(data.labels.length);
    runs.forEach((run, f) => run.marginsAt(step).forEach((m, j) => (margins[members[f][j]] = m)));
    oof.set(candidate.kind, margins);
  }
  const reports: CandidateReport[] = blends(candidates.map((c) => c.kind)).map((kinds) => {
    const p = combineMargins(kinds.map((k) => oof.get(k)!));
    const foldAuc = members.map((idx) => rocAuc(Float64Array.from(idx, (i) => p[i]), Float64Array.from(idx, (i) => data.labels[i])));
    const cvAuc = foldAuc.reduce((s, v) => s + v, 0) / foldAuc.length;
    const cvAucStd = Math.sqrt(foldAuc.reduce((s, v) => s + (v - cvAuc) ** 2, 0) / foldAuc.length);
    return { name: kinds.join('+'), members: kinds, foldAuc, cvAuc, cvAucStd };
  });
  // Singles come first, so a blend wins only by beating them (a tie keeps the simpler model).
  const chosen = reports.reduce((a, b) => (b.cvAuc > a.cvAuc ? b : a));
  return {
    selection: { method: `inner ${options.folds}-fold cross-validation on the training rows, seed ${options.seed}`, folds: options.folds, chosen: chosen.name, steps, candidates: reports },
    probabilities: combineMargins(chosen.members.map((k) => oof.get(k)!)),
  };
}
