/** Two-sided 95 % standard normal quantile, scipy.special.ndtri(0.975). */
export const Z_95 = 1.959963984540054

export interface Interval {
  low: number
  high: number
}

/**
 * Wilson score interval for a proportion of `successes` in `trials`
 * (scipy.stats.binomtest(k, n).proportion_ci(method='wilson'); statsmodels' proportion_confint
 * 'wilson' gives the same). With no trials nothing is known: [0, 1].
 */
export function wilsonInterval(successes: number, trials: number, z: number = Z_95): Interval {
  if (!Number.isInteger(trials) || trials < 0)
    throw new RangeError(`wilson: trials = ${trials} is not a count`)
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new RangeError(`wilson: successes = ${successes} is not a count within 0..${trials}`)
  }
  if (trials === 0) return { low: 0, high: 1 }
  const p = successes / trials
  const z2 = z * z
  const denominator = 2 * (trials + z2)
  const center = (2 * trials * p + z2) / denominator
  const delta = (z * Math.sqrt(4 * trials * p * (1 - p) + z2)) / denominator
  return { low: Math.max(0, center - delta), high: Math.min(1, center + delta) }
}
