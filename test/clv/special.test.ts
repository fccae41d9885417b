import { describe, expect, it } from 'vitest';
import { hyp2f1, lgamma, logAddExp, logHyp2f1, logSumExp } from '../../models/clv/special.ts';
import { maximizePositive, minimize } from '../../models/clv/optimize.ts';

describe('special functions', () => {
  it('lgamma matches factorials, Gamma(1/2) and the reflection range', () => {
    expect(lgamma(1)).toBeCloseTo(0, 14);
    expect(lgamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    // Gamma(0.1) = 9.513507698668732
    expect(lgamma(0.1)).toBeCloseTo(Math.log(9.513507698668732), 12);
    // Gamma(-0.5) = -2 sqrt(pi): log of the absolute value
    expect(lgamma(-0.5)).toBeCloseTo(Math.log(2 * Math.sqrt(Math.PI)), 12);
    // Large arguments stay finite where Gamma itself overflows: lgamma(200) = log(199!)
    let log199 = 0;
    for (let k = 2; k <= 199; k++) log199 += Math.log(k);
    expect(lgamma(200)).toBeCloseTo(log199, 9);
    expect(lgamma(0)).toBe(Infinity);
  });

  it('log-sum-exp neither overflows nor underflows', () => {
    expect(logAddExp(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 14);
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(-1000, -Infinity)).toBe(-1000);
    expect(logSumExp(Float64Array.of(-800, -800, -800, -800))).toBeCloseTo(-800 + Math.log(4), 12);
    expect(logSumExp([])).toBe(-Infinity);
  });

  it('2F1 matches closed forms, including where Euler\'s transformation is used', () => {
    for (const z of [0, 0.1, 0.5, 0.9, 0.99]) {
      // 2F1(1,1;2;z) = -log(1-z)/z  (c - a - b = 0: plain series)
      if (z > 0) expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 10);
      // 2F1(a,b;b;z) = (1-z)^-a  (c - a - b = -a < 0: transformed)
      expect(hyp2f1(2.5, 3, 3, z)).toBeCloseTo(Math.pow(1 - z, -2.5), 6);
      expect(logHyp2f1(2.5, 3, 3, z)).toBeCloseTo(-2.5 * Math.log1p(-z), 10);
      // 2F1(1/2,1/2;3/2;z^2) = asin(z)/z
      if (z > 0) expect(hyp2f1(0.5, 0.5, 1.5, z * z)).toBeCloseTo(Math.asin(z) / z, 10);
    }
    // (1 - 0.999)^-300 = 1e900 overflows a double; its log does not.
    expect(hyp2f1(300, 5, 5, 0.999)).toBe(Infinity);
    expect(logHyp2f1(300, 5, 5, 0.999)).toBeCloseTo(-300 * Math.log(0.001), 8);
    expect(hyp2f1(1, 1, 2, 1)).toBeNaN();
  });
});

describe('optimiser', () => {
  it('finds the minimum of a quadratic and of Rosenbrock\'s valley', () => {
    const q = minimize((p) => (p[0] - 1) ** 2 + 10 * (p[1] + 2) ** 2, [0, 0]);
    expect(q.converged).toBe(true);
    expect(q.x[0]).toBeCloseTo(1, 5);
    expect(q.x[1]).toBeCloseTo(-2, 5);
    const rosen = minimize((p) => 100 * (p[1] - p[0] ** 2) ** 2 + (1 - p[0]) ** 2, [-1.2, 1]);
    expect(rosen.converged).toBe(true);
    expect(rosen.x[0]).toBeCloseTo(1, 4);
    expect(rosen.x[1]).toBeCloseTo(1, 4);
  });

  it('reports an iteration limit as not converged', () => {
    const r = minimize((p) => 100 * (p[1] - p[0] ** 2) ** 2 + (1 - p[0]) ** 2, [-1.2, 1], { maxIterations: 10 });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(10);
    expect(r.message).toMatch(/iteration limit/);
  });

  it('maximises over positive parameters and flags an optimum on the search bound', () => {
    // Exponential rate from 10 draws with sum 20: MLE 0.5.
    const fit = maximizePositive((p) => 10 * Math.log(p[0]) - p[0] * 20, [1], { scale: 10 });
    expect(fit.converged).toBe(true);
    expect(fit.params[0]).toBeCloseTo(0.5, 5);
    expect(fit.logLikelihood).toBeCloseTo(10 * Math.log(0.5) - 10, 8);
    // Increasing without limit: no interior maximum.
    const runaway = maximizePositive((p) => Math.log(p[0]), [1], { names: ['k'] });
    expect(runaway.converged).toBe(false);
    expect(runaway.message).toMatch(/k ran to the search bound/);
  });
});
