import { describe, expect, it } from 'vitest'
import { InvalidHyperParameterError } from './errors.js'
import { resolveOptions, treeParams } from './params.js'

describe('resolveOptions', () => {
  it("has scikit-learn's defaults", () => {
    expect(resolveOptions()).toEqual({
      nEstimators: 100,
      maxDepth: null,
      minSamplesSplit: 2,
      minSamplesLeaf: 1,
      maxFeatures: 'sqrt',
      bootstrap: true,
      oobScore: false,
      seed: 42,
    })
  })

  it.each([
    ['nEstimators', 0],
    ['nEstimators', 1.5],
    ['maxDepth', 0],
    ['minSamplesSplit', 1],
    ['minSamplesSplit', 1.5],
    ['minSamplesLeaf', 0],
    ['minSamplesLeaf', 0.7],
    ['maxFeatures', 'half'],
    ['maxFeatures', 0],
    ['maxFeatures', -2],
    ['seed', -1],
    ['seed', 2 ** 32],
    ['bootstrap', 'yes'],
  ])('refuses %s = %s, naming parameter and value', (name, value) => {
    const err = (() => {
      try {
        resolveOptions({ [name]: value })
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(InvalidHyperParameterError)
    expect((err as InvalidHyperParameterError).parameter).toBe(name)
    expect((err as Error).message).toContain(`${name}=${JSON.stringify(value)}`)
  })

  it('refuses oobScore without bootstrap', () => {
    expect(() => resolveOptions({ oobScore: true, bootstrap: false })).toThrow(/bootstrap/)
  })
})

describe('treeParams', () => {
  const at = (o: Parameters<typeof resolveOptions>[0], n = 100, f = 8) => treeParams(resolveOptions(o), n, f)
  it('resolves maxFeatures like scikit-learn', () => {
    expect(at({ maxFeatures: 'sqrt' }).maxFeatures).toBe(2)
    expect(at({ maxFeatures: 'log2' }).maxFeatures).toBe(3)
    expect(at({ maxFeatures: 'all' }).maxFeatures).toBe(8)
    expect(at({ maxFeatures: 5 }).maxFeatures).toBe(5)
    expect(at({ maxFeatures: 0.3 }).maxFeatures).toBe(2)
    expect(at({ maxFeatures: 0.01 }).maxFeatures).toBe(1)
    expect(at({ maxFeatures: 'sqrt' }, 10, 1).maxFeatures).toBe(1)
    expect(() => at({ maxFeatures: 9 })).toThrow(/at most the 8 features/)
  })
  it('resolves fractional sample counts with ceil and no depth limit as Infinity', () => {
    expect(at({ minSamplesSplit: 0.055, minSamplesLeaf: 0.021 })).toMatchObject({
      minSamplesSplit: 6,
      minSamplesLeaf: 3,
      maxDepth: Number.POSITIVE_INFINITY,
    })
    expect(at({ maxDepth: 4 }).maxDepth).toBe(4)
  })
})
