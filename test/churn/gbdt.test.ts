import { describe, expect, it } from 'vitest';
import { binColumn, binColumns, fitBins, type RawColumn } from '../../models/churn/gbdt/bins.ts';
import { Booster } from '../../models/churn/gbdt/booster.ts';
import { buildHistogram, emptyHistogram, subtractHistogram, BIN_SLOTS, STRIDE } from '../../models/churn/gbdt/histogram.ts';
import { growTree } from '../../models/churn/gbdt/grow.ts';
import { predictMargins } from '../../models/churn/gbdt/predict.ts';
import { expectedValue, treeShap } from '../../models/churn/gbdt/shap.ts';
import { bestSplit, type SplitOptions } from '../../models/churn/gbdt/split.ts';
import { leafFor, treeFromJSON, treeToJSON, type Tree } from '../../models/churn/gbdt/tree.ts';
import { rocAuc } from '../../models/churn/metrics.ts';
import { seededRandom } from '../../models/churn/random.ts';

const num = (name: string, ...values: number[]): RawColumn => ({ name, kind: 'numeric', values: Float64Array.from(values) });
const cat = (name: string, ...values: (string | null)[]): RawColumn => ({ name, kind: 'categorical', values });

const SPLIT: SplitOptions = { l2: 0, minSamplesLeaf: 1, minHessianLeaf: 0, minGain: 0, maxCatToOnehot: 4, maxCatThreshold: 32, catSmooth: 0, catL2: 0, minCatRows: 1 };

describe('binning', () => {
  it('puts numeric edges at midpoints between distinct values, missing in bin 0', () => {
    const [bins] = fitBins([num('x', 3, 1, 2, NaN, 2)]);
    expect(bins).toEqual({ name: 'x', kind: 'numeric', edges: [1.5, 2.5] });
    expect(Array.from(binColumn(bins, num('x', 1, 1.5, 1.6, 3, 99, NaN), 6))).toEqual([1, 1, 2, 3, 3, 0]);
  });

  it('uses quantile edges when there are more distinct values than bins', () => {
    const [bins] = fitBins([num('x', ...Array.from({ length: 100 }, (_, i) => i))], { maxBins: 5 });
    // 4 value bins: edges between the two values around positions 1/4, 2/4, 3/4 of the sorted list (24.75 lies
    // between 24 and 25, so the edge is 24.5).
    expect(bins).toEqual({ name: 'x', kind: 'numeric', edges: [24.5, 49.5, 74.5] });
  });

  it('gives frequent levels a bin each, most frequent first; rare and unseen levels share the last bin', () => {
    const values = [...Array(6).fill('b'), ...Array(5).fill('a'), 'c', null];
    const [bins] = fitBins([cat('plan', ...values)], { minLevelCount: 5 });
    expect(bins).toEqual({ name: 'plan', kind: 'categorical', levels: ['b', 'a'] });
    expect(Array.from(binColumn(bins, cat('plan', 'a', 'b', 'c', 'never seen', null), 5))).toEqual([2, 1, 3, 3, 0]);
  });

  it('reads an absent column as missing', () => {
    const bins = fitBins([num('x', 1, 2)]);
    expect(Array.from(binColumns(bins, [], 2)[0])).toEqual([0, 0]);
  });
});

describe('histograms and splits on hand-checked inputs', () => {
  // One numeric feature with bins 1,1,2,2,3,3 and a missing row; gradients favour a cut after bin 1.
  const binned = [Uint8Array.of(1, 1, 2, 2, 3, 3, 0)];
  const g = Float64Array.of(-2, -2, 1, 1, 1, 1, -2);
  const h = Float64Array.of(1, 1, 1, 1, 1, 1, 1);
  const all = Uint32Array.of(0, 1, 2, 3, 4, 5, 6);

  it('sums gradient, hessian and count per bin; a sibling is the parent minus the other child', () => {
    const hist = emptyHistogram(1);
    buildHistogram(hist, binned, g, h, all, 0, 7, Int32Array.of(0));
    expect(Array.from(hist.slice(0, 4 * STRIDE))).toEqual([-2, 1, 1, -4, 2, 2, 2, 2, 2, 2, 2, 2]);
    const left = emptyHistogram(1);
    buildHistogram(left, binned, g, h, Uint32Array.of(0, 1, 6), 0, 3, Int32Array.of(0));
    const right = emptyHistogram(1);
    buildHistogram(right, binned, g, h, Uint32Array.of(2, 3, 4, 5), 0, 4, Int32Array.of(0));
    subtractHistogram(hist, left);
    expect(Array.from(hist)).toEqual(Array.from(right));
  });

  it('finds the threshold with the largest second-order gain and learns where missing values go', () => {
    const hist = emptyHistogram(1);
    buildHistogram(hist, binned, g, h, all, 0, 7, Int32Array.of(0));
    const split = bestSplit(hist, Int32Array.of(0), Uint8Array.of(0), Int32Array.of(4), { gradient: -2, hessian: 7, count: 7 }, SPLIT)!;
    // Left {bin 1, missing}: G = -6, H = 3; right: G = 4, H = 4. Gain = 36/3 + 16/4 - 4/7.
    expect(split.threshold).toBe(1);
    expect(split.missingLeft).toBe(true);
    expect(split.gain).toBeCloseTo(12 + 4 - 4 / 7, 12);
    expect(Array.from(split.left.slice(0, 4))).toEqual([1, 1, 0, 0]);
  });

  it('splits a many-level categorical by sorted gradient ratio, not one-hot', () => {
    // Levels (bins 1..5) with mean gradients -1, +1, -1, +1, -1: the best left set is {1, 3, 5}.
    const bins = [Uint8Array.of(1, 1, 2, 2, 3, 3, 4, 4, 5, 5)];
    const grad = Float64Array.of(-1, -1, 1, 1, -1, -1, 1, 1, -1, -1);
    const hist = emptyHistogram(1);
    buildHistogram(hist, bins, grad, new Float64Array(10).fill(1), Uint32Array.from({ length: 10 }, (_, i) => i), 0, 10, Int32Array.of(0));
    const split = bestSplit(hist, Int32Array.of(0), Uint8Array.of(1), Int32Array.of(7), { gradient: -2, hessian: 10, count: 10 }, SPLIT)!;
    const goesLeft = [1, 2, 3, 4, 5].filter((b) => split.left[b]);
    expect(goesLeft.length === 3 ? goesLeft : [1, 2, 3, 4, 5].filter((b) => !split.left[b])).toEqual([1, 3, 5]);
    expect(split.gain).toBeCloseTo(36 / 6 + 16 / 4 - 4 / 10, 12);
  });
});

describe('growing a tree', () => {
  it('splits where the gradients change sign; leaf values are -G / (H + l2) times the learning rate', () => {
    const binned = [Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)];
    const g = Float64Array.of(1, 1, 1, 1, -1, -1, -1, -1);
    const grown = growTree(binned, { categorical: Uint8Array.of(0), binCounts: Int32Array.of(10) }, g, new Float64Array(8).fill(1), Uint32Array.from({ length: 8 }, (_, i) => i), Int32Array.of(0), {
      ...SPLIT,
      l2: 1,
      maxLeaves: 2,
      maxDepth: 0,
      learningRate: 0.5,
    });
    const { tree } = grown;
    expect(Array.from(tree.feature)).toEqual([0, -1, -1]);
    expect(Array.from(tree.cover)).toEqual([8, 4, 4]);
    // Left: G = 4, H = 4 -> -4/5 * 0.5; right: +0.4.
    expect(Array.from(tree.value)).toEqual([0, -0.4, 0.4]);
    expect([0, 3, 4, 7].map((row) => leafFor(tree, binned, row))).toEqual([1, 1, 2, 2]);
  });
});

/** A depth-2 tree on two features with hand-set covers and values. */
function handTree(): Tree {
  // node 0: feature 0, bins <= 1 left; node 1: feature 1, bins <= 1 left; leaves 2, 3 (under 1) and 4.
  const json = {
    feature: [0, 1, -1, -1, -1],
    left: [1, 2, -1, -1, -1],
    right: [4, 3, -1, -1, -1],
    value: [0, 0, 1, 3, -2],
    cover: [10, 6, 2, 4, 4],
    threshold: [1, 1, -1, -1, -1],
    missingLeft: [0, 1, 0, 0, 0],
    leftBins: [null, null, null, null, null],
  };
  return treeFromJSON(json);
}

/** Shapley values from the definition: f_S(x) = the cover-weighted mean over the branches of features not in S. */
function bruteForceShap(tree: Tree, x: number[]): number[] {
  const fS = (S: Set<number>, node = 0): number => {
    if (tree.feature[node] < 0) return tree.value[node];
    const f = tree.feature[node];
    const [l, r] = [tree.left[node], tree.right[node]];
    if (S.has(f)) return fS(S, tree.goLeft[node * BIN_SLOTS + x[f]] ? l : r);
    return (tree.cover[l] * fS(S, l) + tree.cover[r] * fS(S, r)) / tree.cover[node];
  };
  const n = x.length;
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  return x.map((_, i) => {
    let phi = 0;
    for (let mask = 0; mask < 1 << n; mask++) {
      if (mask & (1 << i)) continue;
      const S = new Set(Array.from({ length: n }, (_, j) => j).filter((j) => mask & (1 << j)));
      const weight = (fact(S.size) * fact(n - S.size - 1)) / fact(n);
      phi += weight * (fS(new Set([...S, i])) - fS(S));
    }
    return phi;
  });
}

describe('TreeSHAP', () => {
  it('matches Shapley values computed from the definition on a hand-made tree', () => {
    const tree = handTree();
    expect(expectedValue(tree)).toBeCloseTo((2 * 1 + 4 * 3 - 4 * 2) / 10, 12);
    for (const x of [[1, 1], [1, 2], [2, 1], [0, 0]]) {
      const binned = [Uint8Array.of(x[0]), Uint8Array.of(x[1])];
      const { phi, expected } = treeShap([tree], 0, binned, 1);
      const exact = bruteForceShap(tree, x);
      expect(phi[0]).toBeCloseTo(exact[0], 12);
      expect(phi[1]).toBeCloseTo(exact[1], 12);
      expect(expected + phi[0] + phi[1]).toBeCloseTo(predictMargins([tree], 0, binned, 1)[0], 12);
    }
  });

  // 31 leaves (the default: 30 split nodes, one word of direction bits), 45 (two words) and 64 (three: no
  // whole-tree cache).
  it.each([31, 45, 64])('contributions of a trained model with %i leaves a tree sum to its margin for every row', (maxLeaves) => {
    const next = seededRandom(4);
    const n = 600;
    const columns = [num('a', ...Array.from({ length: n }, () => next())), num('b', ...Array.from({ length: n }, () => (next() < 0.1 ? NaN : next()))), cat('c', ...Array.from({ length: n }, () => ['x', 'y', 'z'][Math.floor(next() * 3)]))];
    const labels = Float64Array.from({ length: n }, (_, i) => Number((columns[0].values[i] as number) + (Number.isNaN(columns[1].values[i] as number) ? 0.5 : 0) + next() > 1));
    const { booster } = Booster.train({ columns, labels }, { maxRounds: 30, minSamplesLeaf: 5, seed: 1, maxLeaves });
    expect(Math.max(...booster.trees.map((t) => t.feature.filter((f) => f >= 0).length))).toBeGreaterThan(maxLeaves * 0.8);
    const margins = booster.margins(columns, n);
    const { phi, expected } = booster.contributions(columns, n);
    for (let i = 0; i < n; i++) expect(expected + phi[3 * i] + phi[3 * i + 1] + phi[3 * i + 2]).toBeCloseTo(margins[i], 9);
  });
});

describe('gradient-boosted trees', () => {
  /** Churn when exactly one of two plans is on (an interaction no additive model can express), plus noise. */
  function interaction(n: number, seed: number) {
    const next = seededRandom(seed);
    const a = Float64Array.from({ length: n }, () => next());
    const b = Float64Array.from({ length: n }, () => next());
    const labels = Float64Array.from({ length: n }, (_, i) => Number((a[i] > 0.5) !== (b[i] > 0.5) ? next() < 0.85 : next() < 0.15));
    return { columns: [num('a', ...a), num('b', ...b)], labels };
  }

  it('learns an interaction, saves to JSON and scores the same after loading', () => {
    const trainSet = interaction(2000, 1);
    const test = interaction(1000, 2);
    const { booster } = Booster.train(trainSet, { maxRounds: 60, seed: 3 });
    const margins = booster.margins(test.columns, 1000);
    expect(rocAuc(margins, test.labels)).toBeGreaterThan(0.8);
    const again = Booster.fromJSON(JSON.parse(JSON.stringify(booster.toJSON())));
    expect(Array.from(again.margins(test.columns, 1000))).toEqual(Array.from(margins));
    expect(treeToJSON(again.trees[0], Uint8Array.of(0, 0))).toEqual(booster.toJSON().trees[0]);
  });

  it('routes missing values by what they mean, without imputation', () => {
    // Missing spend means a lapsed customer here: every missing row churned.
    const next = seededRandom(9);
    const spend = Float64Array.from({ length: 800 }, () => (next() < 0.2 ? NaN : next() * 100));
    const labels = Float64Array.from(spend, (v) => Number(Number.isNaN(v) ? true : next() < 0.1 + v / 500));
    const { booster } = Booster.train({ columns: [num('spend', ...spend)], labels }, { maxRounds: 40, seed: 1 });
    const [missing, low, high] = booster.margins([num('spend', NaN, 5, 95)], 3);
    expect(missing).toBeGreaterThan(high);
    expect(high).toBeGreaterThan(low);
  });

  it('stops early on validation loss and is repeatable from its seed with row and feature sampling', () => {
    const trainSet = interaction(1500, 5);
    const valid = interaction(500, 6);
    const options = { rowSubsample: 0.7, featureSubsample: 0.5, seed: 11, maxRounds: 400 };
    const a = Booster.train(trainSet, options, valid);
    const b = Booster.train(trainSet, options, valid);
    expect(a.bestRounds).toBeLessThan(a.booster.trees.length + 1);
    expect(a.validLoss.length).toBeLessThan(400);
    expect(a.validLoss.length - a.bestRounds).toBe(10);
    expect(Array.from(a.booster.margins(valid.columns, 500))).toEqual(Array.from(b.booster.margins(valid.columns, 500)));
    const c = Booster.train(trainSet, { ...options, seed: 12 }, valid);
    expect(Array.from(c.booster.margins(valid.columns, 500))).not.toEqual(Array.from(a.booster.margins(valid.columns, 500)));
  });
});
