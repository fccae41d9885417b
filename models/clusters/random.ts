/**
 * Seeded randomness for sampling and data generation. Every random choice in clustering flows from one seed
 * so a run can be repeated exactly.
 */

import { seededRandom } from '../../data/random.ts';

export { seededRandom };

/**
 * `size` distinct indices drawn uniformly from 0..n-1, in ascending order (a partial Fisher-Yates shuffle);
 * all of 0..n-1 when `size >= n`.
 *
 * @example
 * uniformSample(1_000_000, 10_000, 7); // Uint32Array of 10,000 sorted row indices
 */
export function uniformSample(n: number, size: number, seed: number): Uint32Array {
  if (size >= n) return Uint32Array.from({ length: n }, (_, i) => i);
  const next = seededRandom(seed);
  // A sparse swap map keeps memory at O(size) even when n is in the millions.
  const swapped = new Map<number, number>();
  const out = new Uint32Array(size);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(next() * (n - i));
    const atJ = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    out[i] = atJ;
  }
  return out.sort();
}

/**
 * `size` indices drawn uniformly from 0..n-1 with replacement (bootstrap resamples).
 *
 * @example
 * bootstrapSample(500, 500, 3);
 */
export function bootstrapSample(n: number, size: number, seed: number): Uint32Array {
  const next = seededRandom(seed);
  const out = new Uint32Array(size);
  for (let i = 0; i < size; i++) out[i] = Math.floor(next() * n);
  return out;
}

/**
 * A standard normal sampler (Box-Muller) over a seeded uniform source.
 *
 * @example
 * const gauss = seededGaussian(1); gauss();
 */
export function seededGaussian(seed: number): () => number {
  const next = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}
