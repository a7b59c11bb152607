/**
 * Survival function of the two-sided one-sample Kolmogorov statistic, P(D_n >= x)
 * (scipy.stats.kstwo.sf), which ks_2samp's asymptotic method evaluates at n = round(n1·n2/(n1+n2)).
 * The method per region follows Simard & L'Ecuyer (2011) as scipy does: Ruben–Gambino's closed
 * forms at the ends, twice the one-sided Smirnov tail (Birnbaum–Tingey's exact sum) in the upper
 * tail, the Durbin matrix (Marsaglia–Tsang–Wang) where it is cheap and the Pelz–Good expansion
 * elsewhere. Where scipy uses Pomeranz's recursion (n <= 140, 0.754693 < n·x² <= 4) we use the
 * Durbin matrix too: both are exact, so the values agree to rounding.
 */
import { logGamma } from './gamma.js'

const SCALE = 2 ** 128
const UNSCALE = 2 ** -128

export function kolmogorovSf(x: number, n: number): number {
  if (!(n >= 1) || !Number.isInteger(n))
    throw new RangeError(`kolmogorovSf needs an integer n >= 1, got ${n}`)
  if (x >= 1) return 0
  if (x <= 0) return 1
  const t = n * x
  if (t <= 1) {
    if (t <= 0.5) return 1
    const logProb = logFactorial(n) - n * Math.log(n) + n * Math.log(2 * t - 1)
    return clip(1 - Math.exp(logProb))
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n)
  if (x >= 0.5) return clip(2 * smirnovSf(n, x))
  const nxx = t * x
  if (n <= 140) {
    if (nxx <= 4) return clip(1 - durbinCdf(n, x))
    return clip(2 * smirnovSf(n, x))
  }
  if (nxx >= 370) return 0
  if (nxx >= 2.2) return clip(2 * smirnovSf(n, x))
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? durbinCdf(n, x) : pelzGoodCdf(n, x)
  return clip(1 - cdf)
}

/** One-sided P(D_n^+ >= x) by Birnbaum–Tingey: x Σ_j C(n,j) (1-x-j/n)^(n-j) (x+j/n)^(j-1); all terms >= 0. */
export function smirnovSf(n: number, x: number): number {
  if (x <= 0) return 1
  if (x >= 1) return 0
  const last = Math.floor(n * (1 - x))
  const logs: number[] = []
  let logBinomial = 0
  for (let j = 0; j <= last; j++) {
    if (j > 0) logBinomial += Math.log((n - j + 1) / j)
    const rest = 1 - x - j / n
    if (rest <= 0 && n - j > 0) continue
    const restLog = n - j === 0 ? 0 : (n - j) * Math.log(rest)
    logs.push(logBinomial + restLog + (j - 1) * Math.log(x + j / n))
  }
  let top = Number.NEGATIVE_INFINITY
  for (const l of logs) if (l > top) top = l
  let sum = 0
  for (const l of logs) sum += Math.exp(l - top)
  return clip(x * sum * Math.exp(top))
}

/** P(D_n < x) by Durbin's matrix, as Marsaglia, Tsang and Wang (2003) compute it: (n!/n^n)·(H^n)[k-1][k-1]. */
export function durbinCdf(n: number, x: number): number {
  const nd = n * x
  if (nd <= 0.5) return 0
  const k = Math.ceil(nd)
  const h = k - nd
  const m = 2 * k - 1
  const H = new Float64Array(m * m)
  const inverseFactorial = new Float64Array(m + 1)
  inverseFactorial[0] = 1
  for (let i = 1; i <= m; i++) inverseFactorial[i] = inverseFactorial[i - 1]! / i
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) if (i - j + 1 >= 0) H[i * m + j] = inverseFactorial[i - j + 1]!
  }
  for (let i = 0; i < m; i++) {
    H[i * m] = (1 - h ** (i + 1)) * inverseFactorial[i + 1]!
    H[(m - 1) * m + (m - 1 - i)] = (1 - h ** (i + 1)) * inverseFactorial[i + 1]!
  }
  H[(m - 1) * m] = (1 - 2 * h ** m + Math.max(2 * h - 1, 0) ** m) * inverseFactorial[m]!
  let power: Float64Array | null = null
  let powerExponent = 0
  let base: Float64Array = H
  let baseExponent = 0
  for (let e = n; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) {
      power = power === null ? base.slice() : multiply(power, base, m)
      powerExponent += baseExponent
    }
    base = multiply(base, base, m)
    baseExponent *= 2
    if (Math.abs(base[(k - 1) * m + (k - 1)]!) > SCALE) {
      for (let i = 0; i < base.length; i++) base[i]! *= UNSCALE
      baseExponent += 128
    }
  }
  let p = power![(k - 1) * m + (k - 1)]!
  let exponent = powerExponent
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n
    if (Math.abs(p) < UNSCALE) {
      p *= SCALE
      exponent -= 128
    }
  }
  return clip(p * 2 ** exponent)
}

function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m)
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const ail = a[i * m + l]!
      if (ail === 0) continue
      for (let j = 0; j < m; j++) out[i * m + j]! += ail * b[l * m + j]!
    }
  }
  return out
}

/** Pelz and Good's (1976) expansion of P(D_n <= x) in powers of 1/sqrt(n), for small z = x·sqrt(n). */
export function pelzGoodCdf(n: number, x: number): number {
  const z = Math.sqrt(n) * x
  const z2 = z * z
  const z4 = z2 * z2
  const z6 = z4 * z2
  const pi2 = Math.PI ** 2
  const pi4 = pi2 * pi2
  const pi6 = pi4 * pi2
  const qLog = -pi2 / 8 / z2
  if (qLog < -708) return 0
  const q = Math.exp(qLog)
  const k1a = -z2
  const k1b = pi2 / 4
  const k2a = 6 * z6 + 2 * z4
  const k2b = ((2 * z4 - 5 * z2) * pi2) / 4
  const k2c = (pi4 * (1 - 2 * z2)) / 16
  const k3d = (pi6 * (5 - 30 * z2)) / 64
  const k3c = (pi4 * (-60 * z2 + 212 * z4)) / 16
  const k3b = (pi2 * (135 * z4 - 96 * z6)) / 4
  const k3a = -30 * z6 - 90 * z ** 8
  const K = [0, 0, 0, 0]
  const maxK = Math.ceil((16 * z) / Math.PI)
  for (let k = maxK; k > 0; k--) {
    const m = 2 * k - 1
    const m2 = m * m
    const m4 = m2 * m2
    const m6 = m4 * m2
    const qPower = q ** (8 * k)
    const coefficients = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6]
    for (let i = 0; i < 4; i++) K[i] = K[i]! * qPower + coefficients[i]!
  }
  const sqrt2pi = Math.sqrt(2 * Math.PI)
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10]
  for (let i = 0; i < 4; i++) K[i] = (K[i]! * q * sqrt2pi) / divisors[i]!
  const q2 = Math.exp(-pi2 / 2 / z2)
  let k2extra = 0
  let k3extra = 0
  const sqrt3z = Math.sqrt(3) * z
  for (let k = maxK; k > 0; k--) {
    const kk = k * k
    const qPower = q2 ** kk
    k2extra += kk * qPower
    const kPi = Math.PI * k
    k3extra += (sqrt3z + kPi) * (sqrt3z - kPi) * kk * qPower
  }
  K[2]! += (k2extra * pi2 * sqrt2pi) / (-36 * z ** 3)
  K[3]! += (k3extra * pi2 * sqrt2pi) / (216 * z6)
  let sum = 0
  for (let i = 0; i < 4; i++) sum += K[i]! / n ** (i / 2)
  return sum
}

function logFactorial(n: number): number {
  return logGamma(n + 1)
}

function clip(p: number): number {
  return Math.min(Math.max(p, 0), 1)
}
