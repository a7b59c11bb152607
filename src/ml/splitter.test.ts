import { describe, expect, it } from 'vitest'
import { trainingSet } from '../../test/support/training-set.js'
import { Random } from './random.js'
import { midpoint, Splitter, type TrainingSet } from './splitter.js'

function counts(data: TrainingSet, w: Float64Array): Float64Array {
  const c = new Float64Array(data.nClasses)
  for (let i = 0; i < data.nSamples; i++) c[data.y[i]!] += w[i]!
  return c
}

function rootSplit(
  X: number[][],
  y: number[],
  opts: { maxFeatures?: number; minLeaf?: number; w?: number[] } = {},
) {
  const data = trainingSet(X, y)
  const w = Float64Array.from(opts.w ?? y.map(() => 1))
  const s = new Splitter(data, w, opts.maxFeatures ?? data.nFeatures, opts.minLeaf ?? 1, new Random(0))
  return { split: s.split(0, s.samples.length, 0, counts(data, w)), samples: s.samples }
}

describe('midpoint', () => {
  it('is a/2 + b/2 in float64 of the float32 neighbours', () => {
    const a = Math.fround(0.1)
    const b = Math.fround(0.2)
    expect(midpoint(a, b)).toBe(a / 2 + b / 2)
    expect(midpoint(a, b)).not.toBe(0.15)
  })
  it('falls back to a when the midpoint rounds up to b', () => {
    const a = 1 - 2 ** -53
    expect(a / 2 + 1 / 2).toBe(1)
    expect(midpoint(a, 1)).toBe(a)
  })
  it('falls back to a when the midpoint is not finite', () => {
    expect(midpoint(1, Number.POSITIVE_INFINITY)).toBe(1)
  })
})

describe('Splitter', () => {
  it('splits 1-D data at the midpoint between the classes and partitions the samples', () => {
    const { split, samples } = rootSplit([[3], [0], [2], [1]], [1, 0, 1, 0])
    expect(split).toMatchObject({ feature: 0, threshold: 1.5, pos: 2 })
    expect([...samples.subarray(0, 2)].sort()).toEqual([1, 3])
  })

  it('keeps the first of equally good splits (strictly better only)', () => {
    // a a b b a a: cutting at 1.5 and at 3.5 are equally good; 1.5 comes first.
    const { split } = rootSplit([[0], [1], [2], [3], [4], [5]], [0, 0, 1, 1, 0, 0])
    expect(split.threshold).toBe(1.5)
  })

  it('weights samples: a heavy sample moves the best cut', () => {
    // Unweighted the best cut is 1.5 (proxy 3 vs 8/3); weighting x=0 by 5 makes 0.5 best (20/3 vs 19/3).
    const X = [[0], [1], [2], [3]]
    const y = [0, 1, 0, 0]
    expect(rootSplit(X, y).split.threshold).toBe(1.5)
    expect(rootSplit(X, y, { w: [5, 1, 1, 1] }).split.threshold).toBe(0.5)
  })

  it('treats equal values as one position', () => {
    const { split } = rootSplit([[1], [1], [1], [2]], [0, 1, 0, 1])
    expect(split).toMatchObject({ threshold: 1.5, pos: 3 })
  })

  it('reports no split when every feature is constant', () => {
    const { split } = rootSplit(
      [
        [1, 5],
        [1, 5],
        [1, 5],
      ],
      [0, 1, 0],
    )
    expect(split.feature).toBe(-1)
    expect(split.pos).toBe(3)
    expect(split.nConstantFeatures).toBe(2)
  })

  it('draws past constant features: with maxFeatures 1 it still finds the informative one', () => {
    for (let seed = 0; seed < 20; seed++) {
      const data = trainingSet(
        [
          [7, 0],
          [7, 1],
          [7, 2],
          [7, 3],
        ],
        [0, 0, 1, 1],
      )
      const w = new Float64Array(4).fill(1)
      const s = new Splitter(data, w, 1, 1, new Random(seed))
      const split = s.split(0, 4, 0, counts(data, w))
      expect(split).toMatchObject({ feature: 1, threshold: 1.5 })
    }
  })

  it('respects minSamplesLeaf (in distinct samples)', () => {
    // The best cut isolates x=0, but each side needs 2 samples.
    const { split } = rootSplit([[0], [1], [2], [3], [4]], [1, 0, 0, 0, 0], { minLeaf: 2 })
    expect(split.pos).toBeGreaterThanOrEqual(2)
    expect(5 - split.pos).toBeGreaterThanOrEqual(2)
    expect(rootSplit([[0], [1], [2]], [1, 0, 0], { minLeaf: 2 }).split.feature).toBe(-1)
  })

  it('leaves out zero-weight samples', () => {
    const { samples } = rootSplit([[0], [1], [2]], [0, 1, 0], { w: [1, 0, 2] })
    expect(Array.from(samples)).toEqual([0, 2])
  })
})
