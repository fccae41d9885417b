/**
 * Seeded randomness for splits and shuffles, so a training run is repeatable from its seed alone.
 * Math.random is never used in the churn model.
 */

import { seededRandom } from '../../data/random.ts';

export { seededRandom };

/**
 * Fisher-Yates shuffle in place, driven by `next`.
 *
 * @example
 * shuffleInPlace(Int32Array.from([0, 1, 2, 3]), seededRandom(1));
 */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(values: T, next: () => number): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const tmp = values[i];
    values[i] = values[j];
    values[j] = tmp;
  }
  return values;
}

/** Row indices of each class (labels 0/1), each shuffled by the seed. */
function shuffledByClass(labels: Float64Array, seed: number): [number[], number[]] {
  const next = seededRandom(seed);
  const byClass: [number[], number[]] = [[], []];
  labels.forEach((y, i) => byClass[y > 0.5 ? 1 : 0].push(i));
  for (const members of byClass) shuffleInPlace(members, next);
  return byClass;
}

/**
 * Assigns every row to one of `k` folds so each fold holds the same share of positives (labels 0/1).
 *
 * @example
 * const fold = stratifiedFolds(labels, { k: 5, seed: 7 }); // Int32Array of fold numbers 0..4
 */
export function stratifiedFolds(labels: Float64Array, options: { k: number; seed: number }): Int32Array {
  const fold = new Int32Array(labels.length);
  let position = 0;
  // Dealing both classes in one continuous round keeps fold sizes within one row of each other.
  for (const members of shuffledByClass(labels, options.seed)) for (const i of members) fold[i] = position++ % options.k;
  return fold;
}

/**
 * A stratified split: `testFraction` of each class goes to the test side.
 *
 * @example
 * const { train, test } = stratifiedSplit(labels, { testFraction: 0.2, seed: 42 });
 */
export function stratifiedSplit(labels: Float64Array, options: { testFraction: number; seed: number }): { train: Int32Array; test: Int32Array } {
  const train: number[] = [];
  const test: number[] = [];
  for (const members of shuffledByClass(labels, options.seed)) {
    const nTest = Math.round(members.length * options.testFraction);
    members.forEach((i, rank) => (rank < nTest ? test : train).push(i));
  }
  const sorted = (xs: number[]) => Int32Array.from(xs).sort();
  return { train: sorted(train), test: sorted(test) };
}
