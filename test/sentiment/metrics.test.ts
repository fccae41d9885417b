import { describe, expect, it } from 'vitest';
import { accuracy, balancedAccuracy, bestBalancedThreshold, confusion, negativePrecisionThreshold, rocAuc } from '../../models/sentiment/metrics.ts';

const f = (...xs: number[]) => Float64Array.from(xs);
const u = (...xs: number[]) => Uint8Array.from(xs);

describe('sentiment metrics on hand-checked inputs', () => {
  it('ROC-AUC counts ordered pairs, ties half', () => {
    // positives 0.35, 0.8 against negatives 0.1, 0.4: 3 of 4 pairs ordered
    expect(rocAuc(f(0.1, 0.4, 0.35, 0.8), u(0, 0, 1, 1))).toBe(0.75);
    expect(rocAuc(f(0.5, 0.5), u(0, 1))).toBe(0.5);
    expect(rocAuc(f(1, 2), u(1, 1))).toBeNaN();
  });

  it('confusion, accuracy and balanced accuracy at a threshold', () => {
    const c = confusion(f(0.9, 0.6, 0.2, 0.7, 0.1), u(1, 1, 1, 0, 0), 0.5);
    expect(c).toEqual({ truePositive: 2, falseNegative: 1, falsePositive: 1, trueNegative: 1 });
    expect(accuracy(c)).toBe(3 / 5);
    expect(balancedAccuracy(c)).toBeCloseTo((2 / 3 + 1 / 2) / 2, 12);
  });

  it('picks the cut with the best balanced accuracy, and the negative-precision cut', () => {
    expect(bestBalancedThreshold(f(0.1, 0.3, 0.6, 0.8), u(0, 0, 1, 1))).toBeCloseTo(0.45, 12);
    // sorted labels 0,0,1,0,1: below 0.25 all negative; below 0.65 three of four (0.75)
    expect(negativePrecisionThreshold(f(0.1, 0.2, 0.3, 0.6, 0.7), u(0, 0, 1, 0, 1), 0.75)).toBeCloseTo(0.65, 12);
    expect(negativePrecisionThreshold(f(0.1, 0.2), u(1, 1), 0.9)).toBe(-Infinity);
  });
});
