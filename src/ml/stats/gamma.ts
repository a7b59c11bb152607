/**
 * log Γ(x) and the regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a)
 * (scipy.special.gammaincc), for the chi-squared survival function.
 * Q uses the power series of P = 1 - Q below x < a + 1 and Lentz's continued fraction above,
 * both to about 1e-15 relative (Numerical Recipes §6.2).
 */

// Lanczos approximation, g = 7, n = 9 (relative error about 1e-15 for x > 0).
const LANCZOS_G = 7
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
]
const HALF_LOG_2PI = 0.9189385332046728

/** log Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`)
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  const z = x - 1
  let sum = LANCZOS[0]!
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i)
  const t = z + LANCZOS_G + 0.5
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum)
}

const EPS = 1e-16
const TINY = 1e-300
const MAX_ITERATIONS = 10_000

/** Q(a, x), the regularized upper incomplete gamma function, for a > 0 and x >= 0. */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`gammaQ needs a > 0, got ${a}`)
  if (Number.isNaN(x) || x < 0) throw new RangeError(`gammaQ needs x >= 0, got ${x}`)
  if (x === 0) return 1
  if (x === Number.POSITIVE_INFINITY) return 0
  const logPrefix = a * Math.log(x) - x - logGamma(a)
  if (x < a + 1) return 1 - seriesP(a, x, logPrefix)
  return continuedFractionQ(a, x, logPrefix)
}

function seriesP(a: number, x: number, logPrefix: number): number {
  let ap = a
  let term = 1 / a
  let sum = term
  for (let n = 0; n < MAX_ITERATIONS; n++) {
    ap += 1
    term *= x / ap
    sum += term
    if (Math.abs(term) < Math.abs(sum) * EPS) break
  }
  return sum * Math.exp(logPrefix)
}

function continuedFractionQ(a: number, x: number, logPrefix: number): number {
  let b = x + 1 - a
  let c = 1 / TINY
  let d = 1 / b
  let h = d
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < TINY) d = TINY
    c = b + an / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < EPS) break
  }
  return Math.exp(logPrefix) * h
}

/** Survival function of the chi-squared distribution with df degrees of freedom (scipy.stats.chi2.sf). */
export function chiSquaredSf(statistic: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`chi-squared needs df > 0, got ${df}`)
  if (Number.isNaN(statistic)) throw new RangeError('chi-squared statistic is NaN')
  if (statistic <= 0) return 1
  return gammaQ(df / 2, statistic / 2)
}
