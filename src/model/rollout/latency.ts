/**
 * Prediction latency per version, in a small fixed-bucket histogram whose counts are a plain array: every
 * worker fills its own and the cluster primary adds them element by element, so the sum over workers is
 * exact (a quantile of quantiles would not be). Buckets are log-spaced, PER_DECADE to a decade, from
 * MIN_MS (1 µs) to MAX_MS (10 s); one more bucket holds anything slower. A quantile is read by walking the
 * cumulative counts and interpolating geometrically inside the bucket it falls in, so its error is at
 * most one bucket's width (a factor 10^(1/PER_DECADE), about 26 %). Pure: no clock, no I/O.
 */

export const MIN_MS = 0.001
export const MAX_MS = 10_000
export const PER_DECADE = 10
const DECADES = Math.round(Math.log10(MAX_MS / MIN_MS))

/** Upper bound (ms) of bucket i; bucket 0 holds [0, BOUNDS_MS[0]], the last (index BOUNDS_MS.length) > MAX_MS. */
export const BOUNDS_MS: readonly number[] = Array.from(
  { length: DECADES * PER_DECADE + 1 },
  (_, i) => MIN_MS * 10 ** (i / PER_DECADE),
)

/** Bucket counts, BOUNDS_MS.length + 1 of them. */
export type LatencyHistogram = number[]

export function emptyLatency(): LatencyHistogram {
  return new Array<number>(BOUNDS_MS.length + 1).fill(0)
}

/** The bucket of a duration in ms (negative or NaN counts as 0). */
export function bucketOf(ms: number): number {
  if (!(ms > MIN_MS)) return 0
  if (ms > MAX_MS) return BOUNDS_MS.length
  let i = Math.ceil(Math.log10(ms / MIN_MS) * PER_DECADE)
  // log10's rounding can land one off at an exact bound: settle it against the bounds themselves.
  if (i > 0 && ms <= (BOUNDS_MS[i - 1] as number)) i--
  else if (ms > (BOUNDS_MS[i] as number)) i++
  return i
}

/** Counts one duration. */
export function observeLatency(h: LatencyHistogram, ms: number): void {
  const i = bucketOf(ms)
  h[i] = (h[i] ?? 0) + 1
}

/** Adds `delta` into `into`, in place (a shorter or longer array is read as zeros beyond its end). */
export function addLatency(into: LatencyHistogram, delta: readonly number[]): void {
  for (let i = 0; i < delta.length && i < into.length; i++) into[i] = (into[i] ?? 0) + (delta[i] ?? 0)
}

/** How many durations the histogram holds. */
export function latencySamples(h: readonly number[]): number {
  let n = 0
  for (const c of h) n += c
  return n
}

/**
 * The q-quantile (0 < q ≤ 1) in ms, or null for an empty histogram: the rank ⌈q·n⌉ sample's bucket,
 * interpolated geometrically between its bounds by the rank's place among that bucket's samples. A sample
 * beyond MAX_MS reads as MAX_MS (at least that slow).
 */
export function latencyQuantile(h: readonly number[], q: number): number | null {
  const n = latencySamples(h)
  if (n === 0) return null
  const rank = Math.min(n, Math.max(1, Math.ceil(q * n)))
  let before = 0
  for (let i = 0; i < h.length; i++) {
    const c = h[i] ?? 0
    if (c === 0) continue
    if (before + c >= rank) {
      if (i >= BOUNDS_MS.length) return MAX_MS
      const hi = BOUNDS_MS[i] as number
      const lo = i === 0 ? hi / 10 ** (1 / PER_DECADE) : (BOUNDS_MS[i - 1] as number)
      return lo * (hi / lo) ** ((rank - before) / c)
    }
    before += c
  }
  return MAX_MS
}

/** Per version: how many predictions were timed and their p99 (ms), for reports and metrics. */
export function latencyByVersion(c: {
  latency: Record<string, readonly number[]>
}): Record<string, { samples: number; p99_ms: number | null }> {
  return Object.fromEntries(
    Object.entries(c.latency ?? {}).map(([v, h]) => [
      v,
      { samples: latencySamples(h), p99_ms: latencyQuantile(h, 0.99) },
    ]),
  )
}
