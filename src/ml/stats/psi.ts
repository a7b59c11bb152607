import { quantilesSorted } from './quantile.js'
import { countAtMost, type Sample, sortedCopy } from './sample.js'

/** An empty bin's share is replaced by this before the logarithm (Evidently's and the usual choice). */
export const PSI_EPSILON = 1e-4

/** The nine decile levels 0.1 … 0.9 whose values cut the reference into (up to) ten bins. */
export const DECILE_LEVELS: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]

/**
 * Bin edges from a sorted reference: its deciles (numpy's linear quantiles), duplicates dropped
 * (a feature with many ties has fewer bins). Bins are right-closed: (-inf, e0], (e0, e1], …, (e_last, +inf).
 */
export function decileEdges(sortedReference: ArrayLike<number>): number[] {
  const edges: number[] = []
  for (const v of quantilesSorted(sortedReference, DECILE_LEVELS)) {
    if (edges.length === 0 || v > edges[edges.length - 1]!) edges.push(v)
  }
  return edges
}

/** Share of a sorted sample in each right-closed bin of the edges (edges.length + 1 shares). */
export function binShares(sorted: Float64Array, edges: readonly number[]): number[] {
  const shares: number[] = []
  let previous = 0
  for (const edge of edges) {
    const atMost = countAtMost(sorted, edge)
    shares.push((atMost - previous) / sorted.length)
    previous = atMost
  }
  shares.push((sorted.length - previous) / sorted.length)
  return shares
}

/**
 * Population stability index of the live shares against the reference shares:
 * Σ (live - ref) · ln(live / ref), each zero share first replaced by PSI_EPSILON.
 * Conventional reading: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 major shift.
 */
export function psiFromShares(reference: readonly number[], live: readonly number[]): number {
  if (reference.length !== live.length) {
    throw new RangeError(`psi: ${reference.length} reference bins but ${live.length} live bins`)
  }
  let sum = 0
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i]! === 0 ? PSI_EPSILON : reference[i]!
    const l = live[i]! === 0 ? PSI_EPSILON : live[i]!
    sum += (l - r) * Math.log(l / r)
  }
  return sum
}

/** PSI of a live sample against a reference sample over the reference's decile bins. */
export function psi(reference: Sample, live: Sample): number {
  const ref = sortedCopy(reference, 'reference')
  const cur = sortedCopy(live, 'live sample')
  const edges = decileEdges(ref)
  return psiFromShares(binShares(ref, edges), binShares(cur, edges))
}
