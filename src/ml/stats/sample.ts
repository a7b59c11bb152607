/** Checks and sorting shared by the statistics: samples are finite-or-infinite numbers, never NaN. */

export type Sample = ArrayLike<number>

/** A sorted copy as a Float64Array (ascending); throws a RangeError naming the sample for NaN or emptiness. */
export function sortedCopy(sample: Sample, what: string): Float64Array {
  if (sample.length === 0) throw new RangeError(`${what} is empty: a statistic needs at least one value`)
  const out = Float64Array.from(sample)
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i]!)) throw new RangeError(`${what}[${i}] is NaN`)
  }
  return out.sort()
}

/** Number of values in a sorted array that are <= x (binary search, numpy's searchsorted side='right'). */
export function countAtMost(sorted: Float64Array, x: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Number of values in a sorted array that are < x (numpy's searchsorted side='left'). */
export function countBelow(sorted: Float64Array, x: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Greatest common divisor of two non-negative integers. */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b]
  return a
}
