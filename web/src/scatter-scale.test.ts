import { describe, expect, it } from 'vitest'
import { niceStep, scale } from './scatter-scale.js'

describe('scatter axes', () => {
  it("keeps the seed page's Iris axes", () => {
    expect(scale([1, 6.9], 0, 100).ticks).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(scale([0.1, 2.5], 0, 100).ticks).toEqual([0, 0.5, 1, 1.5, 2, 2.5])
    expect(scale([4.3, 7.9], 0, 100).ticks).toEqual([4, 5, 6, 7, 8])
    expect(scale([1, 10], 0, 100).ticks).toEqual([0, 2, 4, 6, 8, 10])
  })

  it('gives any range a few round ticks covering every value', () => {
    const proline = scale([278, 1680], 0, 100)
    expect(proline.ticks).toEqual([250, 500, 750, 1000, 1250, 1500, 1750])
    const small = scale([0.13, 0.66], 0, 100)
    expect(small.ticks[0]).toBeLessThanOrEqual(0.13)
    expect(small.ticks.at(-1)).toBeGreaterThanOrEqual(0.66)
    expect(small.ticks.length).toBeLessThanOrEqual(8)
    const negative = scale([-3.2, 4.1], 0, 100)
    expect(negative.ticks[0]).toBeLessThanOrEqual(-3.2)
  })

  it('maps the ends of the axis onto the range, either way round', () => {
    const s = scale([0, 10], 300, 20)
    expect(s.to(s.min)).toBe(300)
    expect(s.to(s.max)).toBe(20)
  })

  it('copes with one value and with no finite value', () => {
    expect(scale([5, 5], 0, 1).ticks.length).toBeGreaterThanOrEqual(2)
    const lone = scale([749.75], 0, 1)
    expect(lone.min).toBeLessThan(749.75)
    expect(lone.max).toBeGreaterThan(749.75)
    expect(lone.ticks.length).toBeGreaterThanOrEqual(2)
    expect(scale([Number.NaN], 0, 1).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
  })

  it('picks 1, 2, 2.5 or 5 times a power of ten', () => {
    expect([niceStep(0.98), niceStep(0.4), niceStep(233), niceStep(0.03)]).toEqual([1, 0.5, 250, 0.05])
  })
})
