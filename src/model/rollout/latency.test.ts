/** The latency histogram: log-spaced buckets, exact sums across workers, quantiles within one bucket. */
import { describe, expect, it } from 'vitest'
import {
  addLatency,
  BOUNDS_MS,
  bucketOf,
  emptyLatency,
  latencyByVersion,
  latencyQuantile,
  latencySamples,
  MAX_MS,
  observeLatency,
  PER_DECADE,
} from './latency.js'

const WIDTH = 10 ** (1 / PER_DECADE)

describe('latency histogram', () => {
  it('puts each duration in the bucket whose bounds hold it, exact bounds included', () => {
    expect(BOUNDS_MS[0]).toBe(0.001)
    expect(BOUNDS_MS.at(-1)).toBeCloseTo(MAX_MS, 6)
    expect(bucketOf(0)).toBe(0)
    expect(bucketOf(-1)).toBe(0)
    expect(bucketOf(Number.NaN)).toBe(0)
    expect(bucketOf(MAX_MS * 2)).toBe(BOUNDS_MS.length)
    for (let i = 1; i < BOUNDS_MS.length; i++) {
      const hi = BOUNDS_MS[i] as number
      const lo = BOUNDS_MS[i - 1] as number
      expect(bucketOf(hi)).toBe(i)
      expect(bucketOf(lo * 1.0000001)).toBe(i)
      expect(bucketOf(Math.sqrt(lo * hi))).toBe(i)
    }
  })

  it('adds histograms element by element: two workers sum exactly', () => {
    const a = emptyLatency()
    const b = emptyLatency()
    for (let i = 1; i <= 300; i++) observeLatency(i % 2 ? a : b, i / 100)
    const all = emptyLatency()
    for (let i = 1; i <= 300; i++) observeLatency(all, i / 100)
    const sum = emptyLatency()
    addLatency(sum, a)
    addLatency(sum, b)
    expect(sum).toEqual(all)
    expect(latencySamples(sum)).toBe(300)
  })

  it('reads quantiles within one bucket of the true value', () => {
    const h = emptyLatency()
    // 0.01 .. 10 ms, evenly: the true p50 is about 5 ms, p99 about 9.9 ms.
    for (let i = 1; i <= 1000; i++) observeLatency(h, i / 100)
    const p50 = latencyQuantile(h, 0.5) as number
    const p99 = latencyQuantile(h, 0.99) as number
    expect(p50).toBeGreaterThan(5 / WIDTH)
    expect(p50).toBeLessThan(5 * WIDTH)
    expect(p99).toBeGreaterThan(9.9 / WIDTH)
    expect(p99).toBeLessThan(9.9 * WIDTH)
    expect(latencyQuantile(emptyLatency(), 0.99)).toBeNull()
    const one = emptyLatency()
    observeLatency(one, 3)
    expect(latencyQuantile(one, 0.99)).toBeCloseTo(BOUNDS_MS[bucketOf(3)] as number, 9)
    const slow = emptyLatency()
    observeLatency(slow, MAX_MS * 5)
    expect(latencyQuantile(slow, 0.99)).toBe(MAX_MS)
  })

  it('reports samples and p99 per version', () => {
    const h = emptyLatency()
    for (let i = 0; i < 10; i++) observeLatency(h, 2)
    const r = latencyByVersion({ latency: { '1': h } })
    expect(r['1']?.samples).toBe(10)
    expect(r['1']?.p99_ms).toBeGreaterThan(2 / WIDTH)
    expect(r['1']?.p99_ms).toBeLessThanOrEqual((BOUNDS_MS[bucketOf(2)] as number) * 1.000001)
  })
})
