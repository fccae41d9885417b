/** A feature's distribution at training time: decile edges and the share of customers in each bin. */
export interface BinProfile {
  edges: number[];
  shares: number[];
}

/** Which bin a value falls in: edges are upper bounds, the last bin is open. */
function binOf(value: number, edges: number[]): number {
  let bin = 0;
  while (bin < edges.length && value > edges[bin]) bin++;
  return bin;
}

function shares(values: Float64Array, edges: number[]): number[] {
  const counts = new Array(edges.length + 1).fill(0);
  let n = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    counts[binOf(v, edges)]++;
    n++;
  }
  return counts.map((c) => (n ? c / n : 0));
}

/**
 * Decile profile of one feature (NaN = missing is left out). Repeated edges collapse, so a skewed feature
 * (most customers at one value) gets fewer, meaningful bins.
 *
 * @example
 * binProfile(Float64Array.from([1, 2, 3, 4]))
 */
export function binProfile(values: Float64Array): BinProfile {
  const sorted = Float64Array.from(values.filter((v) => !Number.isNaN(v))).sort();
  const edges: number[] = [];
  for (let q = 1; q < 10; q++) {
    if (!sorted.length) break;
    const edge = sorted[Math.min(sorted.length - 1, Math.ceil((q / 10) * sorted.length) - 1)];
    if (edges.at(-1) !== edge) edges.push(edge);
  }
  return { edges, shares: shares(values, edges) };
}

/**
 * Population stability index of `values` against a training profile: sum of (actual - expected) x ln(actual / expected)
 * over the bins, with empty bins floored at 0.0001. Rule of thumb: < 0.1 stable, 0.1-0.25 moderate, > 0.25 shifted.
 */
export function populationStabilityIndex(profile: BinProfile, values: Float64Array): number {
  const actual = shares(values, profile.edges);
  let psi = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = Math.max(actual[i], 1e-4);
    const e = Math.max(profile.shares[i], 1e-4);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

export type PsiBand = 'stable' | 'moderate' | 'shifted';

export const psiBand = (psi: number): PsiBand => (psi < 0.1 ? 'stable' : psi < 0.25 ? 'moderate' : 'shifted');
