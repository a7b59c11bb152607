/**
 * Quantiles of a sorted sample as numpy's default (method='linear', type 7 of Hyndman and Fan):
 * position q*(n-1), linear interpolation between its neighbours, computed the way numpy does
 * (from the upper neighbour when the fraction is >= 0.5) so the results agree to the last bit.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length
  if (n === 0) throw new RangeError('quantile of an empty sample')
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile level ${q} is outside [0, 1]`)
  const pos = (n - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.min(lo + 1, n - 1)
  const t = pos - lo
  const a = sorted[lo]!
  const b = sorted[hi]!
  const diff = b - a
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t
}

/** Several quantile levels of a sorted sample. */
export function quantilesSorted(sorted: ArrayLike<number>, levels: readonly number[]): number[] {
  return levels.map((q) => quantileSorted(sorted, q))
}
