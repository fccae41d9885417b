/**
 * Special functions for the lifetime-value likelihoods. The models multiply gamma functions and powers whose
 * plain values overflow a double long before the data get large, so everything here works in log space.
 */

// Lanczos coefficients for g = 7, n = 9 (Numerical Recipes / Godfrey): about 15 significant digits.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Natural log of |Gamma(x)|, for any real x that is not a non-positive integer (there it is +Infinity).
 *
 * @example
 * lgamma(10); // Math.log(362880)
 * lgamma(0.5); // Math.log(Math.sqrt(Math.PI))
 */
export function lgamma(x: number): number {
  if (x < 0.5) {
    // Reflection keeps the Lanczos sum in the range where it is accurate.
    const s = Math.sin(Math.PI * x);
    if (s === 0) return Infinity;
    return Math.log(Math.PI / Math.abs(s)) - lgamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * log(exp(a) + exp(b)) without overflow or underflow; -Infinity terms drop out.
 *
 * @example
 * logAddExp(Math.log(2), Math.log(3)); // Math.log(5)
 * logAddExp(-1000, -1000); // -1000 + Math.LN2
 */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * log(sum(exp(values))) for a list, shifted by the largest term.
 *
 * @example
 * logSumExp(Float64Array.of(0, 0, 0, 0)); // Math.log(4)
 */
export function logSumExp(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  if (max === -Infinity || max === Infinity) return max;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp(values[i] - max);
  return max + Math.log(sum);
}

/** The power series of 2F1, used where it converges quickly enough (see `hyp2f1`). */
function hyp2f1Series(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 100_000; n++) {
    term *= ((a + n) * (b + n)) / ((c + n) * (n + 1)) * z;
    sum += term;
    if (Math.abs(term) <= 1e-16 * Math.abs(sum)) return sum;
  }
  return NaN;
}

/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) for 0 <= z < 1, c not a non-positive integer.
 * When c - a - b < 0 the plain series decays slowly (its terms grow like n^(a+b-c-1) before z^n wins), so we
 * use Euler's transformation 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a, c-b; c; z), whose series decays fast.
 * Returns NaN when the series does not settle.
 *
 * @example
 * hyp2f1(1, 1, 2, 0.5); // -Math.log(1 - 0.5) / 0.5
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) return NaN;
  if (z === 0) return 1;
  const excess = c - a - b;
  if (excess < 0) return Math.exp(excess * Math.log1p(-z)) * hyp2f1Series(c - a, c - b, c, z);
  return hyp2f1Series(a, b, c, z);
}

/**
 * log 2F1(a, b; c; z) where the function is positive (e.g. a, b, c > 0). The Euler factor (1-z)^(c-a-b) stays
 * in log space, so large a + b (many repeat purchases) and z near 1 (long horizons) do not overflow.
 *
 * @example
 * logHyp2f1(2, 3, 3, 0.5); // -2 * Math.log(0.5), since 2F1(a,b;b;z) = (1-z)^-a
 */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) return NaN;
  if (z === 0) return 0;
  const excess = c - a - b;
  if (excess < 0) return excess * Math.log1p(-z) + Math.log(hyp2f1Series(c - a, c - b, c, z));
  return Math.log(hyp2f1Series(a, b, c, z));
}
