import { describe, expect, it } from 'vitest'
import { mergeWindows } from './merge.js'
import { DriftWindow } from './window.js'

/** n rows of 2 features whose values are their sequence numbers, so order is visible. */
const rows = (from: number, n: number) =>
  Float64Array.from({ length: n * 2 }, (_, k) => from + Math.floor(k / 2))
const classes = (from: number, n: number) => Int32Array.from({ length: n }, (_, k) => (from + k) % 3)

describe('DriftWindow', () => {
  it.each([
    ['row by row', [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]],
    ['small requests', [3, 4, 2, 5, 3]],
    ['block copies across the ring end', [20, 30, 17]],
    ['one request larger than the window', [70]],
  ])('keeps the last `capacity` rows in order: %s', (_, sizes) => {
    const w = new DriftWindow(25, 2)
    let next = 0
    for (const n of sizes) {
      w.record(rows(next, n), n, classes(next, n))
      next += n
    }
    const s = w.snapshot('v', ['a', 'b'], ['x', 'y', 'z'])
    const kept = Math.min(25, next)
    expect(s.total).toBe(next)
    expect(s.values).toEqual(Array.from(rows(next - kept, kept)))
    expect(s.classIdx).toEqual(Array.from(classes(next - kept, kept)))
    expect(s.times).toHaveLength(kept)
  })

  it('merges several processes by arrival time and keeps the most recent rows', () => {
    const a = new DriftWindow(10, 2)
    const b = new DriftWindow(10, 2)
    a.record(rows(0, 4), 4, classes(0, 4))
    b.record(rows(100, 4), 4, classes(100, 4))
    const [sa, sb] = [a.snapshot('v', ['a', 'b'], ['x']), b.snapshot('v', ['a', 'b'], ['x'])]
    sa.times = sa.times.map((_, i) => 10 + i * 2) // a: 10 12 14 16
    sb.times = sb.times.map((_, i) => 11 + i * 2) // b: 11 13 15 17
    const m = mergeWindows([sa, sb, { ...sb, version: 'other' }], 'v', 5)!
    expect(m.count).toBe(5)
    expect(Array.from(m.values.filter((_, k) => k % 2 === 0))).toEqual([101, 2, 102, 3, 103])
    expect(mergeWindows([sa], 'missing', 5)).toBeNull()
  })
})
