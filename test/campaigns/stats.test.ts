import { describe, expect, it } from 'vitest';
import { Random } from '../../data/random.ts';
import { compareMeans, compareProportions, normalCdf, wilson, zFor } from '../../models/campaigns/index.ts';

/** Revenue per member of one arm: a buyer with chance `buy`, an exponential amount of mean `amount`. */
function arm(rng: Random, n: number, buy: number, amount: number): Float64Array {
  return Float64Array.from({ length: n }, () => (rng.next() < buy ? -Math.log(1 - rng.next()) * amount : 0));
}

describe('outcome statistics on hand-checked inputs', () => {
  it('normal CDF and quantile', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
    expect(zFor(0.95)).toBeCloseTo(1.959964, 5);
  });

  it('Wilson interval: 0 of 10 and 5 of 10', () => {
    // By hand: z = 1.96, n = 10, p = 0: centre = (z^2/20) / (1 + z^2/10) = 0.19208 / 1.38415 = 0.13877, half the same.
    const [lo, hi] = wilson(0, 10);
    expect(lo).toBe(0);
    expect(hi).toBeCloseTo(0.2775, 4);
    const [a, b] = wilson(5, 10);
    expect(a).toBeCloseTo(0.2366, 4);
    expect(b).toBeCloseTo(0.7634, 4);
  });

  it('two-proportion z-test: 40/100 against 25/100', () => {
    // pooled p = 0.325, se = sqrt(0.325 x 0.675 x (1/100 + 1/100)) = 0.066238, z = 0.15 / 0.066238 = 2.2646, p = 0.02354
    const r = compareProportions({ successes: 40, n: 100 }, { successes: 25, n: 100 });
    expect(r.difference).toBeCloseTo(0.15, 12);
    expect(r.z).toBeCloseTo(2.2646, 4);
    expect(r.p_value).toBeCloseTo(0.02354, 4);
    expect(r.significant).toBe(true);
    // Wald interval: 0.15 +- 1.96 x sqrt(0.4 x 0.6 / 100 + 0.25 x 0.75 / 100) = 0.15 +- 0.12815
    expect(r.interval[0]).toBeCloseTo(0.02185, 4);
    expect(r.interval[1]).toBeCloseTo(0.27815, 4);
    const same = compareProportions({ successes: 0, n: 50 }, { successes: 0, n: 50 });
    expect(same).toMatchObject({ difference: 0, z: 0, significant: false });
    expect(same.p_value).toBeCloseTo(1, 6);
  });

  it('bootstrap of a difference of means: constant groups give a point interval; draws repeat with the seed', () => {
    const flat = compareMeans(Float64Array.of(5, 5, 5), Float64Array.of(2, 2), { resamples: 200, seed: 3 });
    expect(flat.difference).toBe(3);
    expect(flat.interval).toEqual([3, 3]);
    expect(flat.significant).toBe(true);
    const t = Float64Array.of(0, 10, 20, 30, 40);
    const c = Float64Array.of(0, 5, 10, 15, 20);
    const one = compareMeans(t, c, { resamples: 500, seed: 9 });
    expect(compareMeans(t, c, { resamples: 500, seed: 9 })).toEqual(one);
    expect(one.difference).toBe(10);
    expect(one.interval[0]).toBeLessThan(10);
    expect(one.interval[1]).toBeGreaterThan(10);
    expect(one.treatment.interval[0]).toBeGreaterThanOrEqual(0);
    expect(one.treatment.interval[1]).toBeLessThanOrEqual(40);
    const empty = compareMeans(new Float64Array(0), c);
    expect(empty.significant).toBe(false);
  });
});

describe('the tests over many generated campaigns', () => {
  const runs = 40;
  const n = 600;

  it('flag about 5% of null campaigns, and cover a planted effect about 95% of the time', () => {
    const rng = new Random(2026);
    let falseRates = 0;
    let falseRevenue = 0;
    let coveredRate = 0;
    let coveredRevenue = 0;
    for (let run = 0; run < runs; run++) {
      const nullT = arm(rng, n, 0.3, 50);
      const nullC = arm(rng, n, 0.3, 50);
      const bought = (a: Float64Array) => a.reduce((s, x) => s + (x > 0 ? 1 : 0), 0);
      if (compareProportions({ successes: bought(nullT), n }, { successes: bought(nullC), n }).significant) falseRates++;
      if (compareMeans(nullT, nullC, { resamples: 1000, seed: run }).significant) falseRevenue++;
      const t = arm(rng, n, 0.4, 60);
      const c = arm(rng, n, 0.25, 40);
      const rates = compareProportions({ successes: bought(t), n }, { successes: bought(c), n });
      if (rates.interval[0] <= 0.15 && 0.15 <= rates.interval[1]) coveredRate++;
      const revenue = compareMeans(t, c, { resamples: 1000, seed: run });
      if (revenue.interval[0] <= 14 && 14 <= revenue.interval[1]) coveredRevenue++;
    }
    // Binomial(40, 0.05): 7 or more false alarms has probability 0.003; 33 or fewer covers of 40 at 95%, 0.006.
    expect(falseRates).toBeLessThanOrEqual(6);
    expect(falseRevenue).toBeLessThanOrEqual(6);
    expect(coveredRate).toBeGreaterThanOrEqual(34);
    expect(coveredRevenue).toBeGreaterThanOrEqual(34);
  });
});
