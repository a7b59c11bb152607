import { chiSquaredSf } from './gamma.js'

export interface ChiSquaredResult {
  statistic: number
  pValue: number
  df: number
}

/**
 * Pearson's chi-squared goodness-of-fit test of observed counts against expected proportions,
 * as scipy.stats.chisquare(observed, expected) with expected = proportions * total observed:
 * statistic = Σ (o - e)² / e over the categories, p = chi2.sf(statistic, k - 1).
 * Proportions are normalised to sum to 1. A category with proportion 0 that was never observed
 * contributes nothing (and no degree of freedom); one that was observed makes the statistic
 * Infinity and p = 0 (the event was deemed impossible).
 */
export function chiSquaredGoodnessOfFit(
  observed: readonly number[],
  proportions: readonly number[],
): ChiSquaredResult {
  if (observed.length !== proportions.length) {
    throw new RangeError(
      `chi-squared: ${observed.length} observed counts but ${proportions.length} expected proportions`,
    )
  }
  let total = 0
  let weight = 0
  for (let i = 0; i < observed.length; i++) {
    const o = observed[i]!
    const p = proportions[i]!
    if (!(o >= 0) || !Number.isFinite(o))
      throw new RangeError(`chi-squared: observed[${i}] = ${o} is not a count`)
    if (!(p >= 0) || !Number.isFinite(p))
      throw new RangeError(`chi-squared: proportion[${i}] = ${p} is not >= 0`)
    total += o
    weight += p
  }
  if (!(weight > 0)) throw new RangeError('chi-squared: the expected proportions sum to 0')
  let statistic = 0
  let categories = 0
  for (let i = 0; i < observed.length; i++) {
    const expected = (proportions[i]! / weight) * total
    const o = observed[i]!
    if (expected === 0) {
      if (o > 0) statistic = Number.POSITIVE_INFINITY
      continue
    }
    categories++
    const diff = o - expected
    statistic += (diff * diff) / expected
  }
  const df = categories - 1
  if (statistic === Number.POSITIVE_INFINITY) return { statistic, pValue: 0, df: Math.max(df, 0) }
  if (total === 0 || df < 1) return { statistic: 0, pValue: 1, df: Math.max(df, 0) }
  return { statistic, pValue: chiSquaredSf(statistic, df), df }
}
