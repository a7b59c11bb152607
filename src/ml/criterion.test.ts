import { describe, expect, it } from 'vitest'
import { gini, sumOfSquares } from './criterion.js'

describe('gini', () => {
  it('is 0 for a pure node', () => {
    expect(gini([5, 0, 0], 5)).toBe(0)
  })
  it('is 1 - 1/k for k balanced classes', () => {
    expect(gini([2, 2], 4)).toBeCloseTo(0.5, 15)
    expect(gini([1, 1, 1], 3)).toBeCloseTo(2 / 3, 15)
  })
  it('uses the weights: counts 3 and 1 -> 1 - (9 + 1) / 16', () => {
    expect(gini([3, 1], 4)).toBe(1 - 10 / 16)
  })
  it('reads a slice with offset and class count', () => {
    expect(gini([9, 9, 1, 1, 9], 2, 2, 2)).toBe(0.5)
  })
  it('is 0 for an empty node', () => {
    expect(gini([0, 0], 0)).toBe(0)
  })
  it('sumOfSquares adds squared counts of a slice', () => {
    expect(sumOfSquares([7, 1, 2, 3], 1, 3)).toBe(14)
  })
})
