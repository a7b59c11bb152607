import { kolmogorovSf } from './kolmogorov.js'
import { ksEqualSizesSf, ksUnequalSizesSf } from './ks-exact.js'
import { gcd, type Sample, sortedCopy } from './sample.js'

export interface KsResult {
  /** sup |F1 - F2| over the pooled values. */
  statistic: number
  /** Two-sided p-value. */
  pValue: number
  method: 'exact' | 'asymp'
}

/** scipy's MAX_AUTO_N: 'auto' is exact while both samples have at most this many values. */
export const KS_MAX_EXACT_N = 10_000

/**
 * Two-sample two-sided Kolmogorov–Smirnov test as scipy.stats.ks_2samp(a, b, method='auto'):
 * exact while max(n1, n2) <= 10000, else the Kolmogorov distribution at round(n1·n2 / (n1 + n2)).
 * Ties are handled by evaluating both empirical CDFs at every pooled value (side='right').
 * The exact path works on integer counts, so the statistic is h / lcm(n1, n2) exactly.
 */
export function ks2samp(a: Sample, b: Sample): KsResult {
  const x = sortedCopy(a, 'first sample')
  const y = sortedCopy(b, 'second sample')
  return ks2sampSorted(x, y)
}

/** ks2samp for two already sorted samples without NaN (the drift monitor sorts its own buffers). */
export function ks2sampSorted(x: Float64Array, y: Float64Array): KsResult {
  const n1 = x.length
  const n2 = y.length
  if (n1 === 0 || n2 === 0) throw new RangeError('ks2samp: both samples need at least one value')
  const g = gcd(n1, n2)
  const { maxGap, statistic } = largestGap(x, y)
  if (Math.max(n1, n2) <= KS_MAX_EXACT_N) {
    const h = maxGap / g
    const lcm = (n1 / g) * n2
    const d = h / lcm
    if (h === 0) return { statistic: d, pValue: 1, method: 'exact' }
    const p = n1 === n2 ? ksEqualSizesSf(n1, h) : ksUnequalSizesSf(n1, n2, g, h)
    return { statistic: d, pValue: clip01(p), method: 'exact' }
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1]
  const en = Math.round((m * n) / (m + n))
  return { statistic, pValue: clip01(kolmogorovSf(statistic, en)), method: 'asymp' }
}

/**
 * Walks both sorted samples once. maxGap = max |c1·n2 - c2·n1| over the pooled values (an exact
 * integer, c = counts <= value); statistic = the same maximum as scipy computes it in floats.
 */
function largestGap(x: Float64Array, y: Float64Array): { maxGap: number; statistic: number } {
  const n1 = x.length
  const n2 = y.length
  let i = 0
  let j = 0
  let maxGap = 0
  let up = 0
  let down = 0
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && x[i]! <= y[j]!) ? x[i]! : y[j]!
    while (i < n1 && x[i]! <= v) i++
    while (j < n2 && y[j]! <= v) j++
    const gap = Math.abs(i * n2 - j * n1)
    if (gap > maxGap) maxGap = gap
    const diff = i / n1 - j / n2
    if (diff > up) up = diff
    if (-diff > down) down = -diff
  }
  return { maxGap, statistic: Math.max(up, down) }
}

function clip01(p: number): number {
  return Math.min(Math.max(p, 0), 1)
}
