/**
 * Shapley axioms on constructed trees (symmetry, dummy) and fast-check properties on random trees and rows:
 * agreement with brute force, local accuracy, and exact zeros for features no tree splits on.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { FlatTree, Forest } from '../../src/ml/flat-tree.js'
import { compileExplainer } from '../../src/ml/treeshap.js'
import { compareWithBruteForce } from './compare.js'
import { prng, randomForest, randomRows, randomTree } from './random-trees.js'

/** The same tree with features a and b exchanged. */
function swapFeatures(t: FlatTree, a: number, b: number): FlatTree {
  const feature = t.feature.map((f) => (f === a ? b : f === b ? a : f))
  return { ...t, feature }
}

describe('Shapley axioms on constructed trees', () => {
  it('symmetry: features used identically get equal values, for every row and class', () => {
    const rand = prng(11)
    for (let i = 0; i < 20; i++) {
      // A forest of T and T with features 0 and 1 swapped is symmetric in 0 and 1; a row with x0 = x1
      // then must give equal contributions to 0 and 1.
      const t = randomTree(rand, { nFeatures: 4, nClasses: 3, maxDepth: 7 })
      const forest: Forest = { nFeatures: 4, nClasses: 3, trees: [t, swapFeatures(t, 0, 1)] }
      const rows = randomRows(rand, 30, 4)
      for (let r = 0; r < 30; r++) rows[r * 4 + 1] = rows[r * 4]
      const phi = compileExplainer(forest).explain(rows, 30)
      for (let r = 0; r < 30; r++) {
        for (let c = 0; c < 3; c++) {
          const at = (r * 3 + c) * 4
          expect(Math.abs(phi[at] - phi[at + 1])).toBeLessThanOrEqual(1e-12)
        }
      }
    }
  })

  it('dummy: a feature that no tree splits on gets exactly 0', () => {
    const rand = prng(12)
    const forest = randomForest(rand, 30, { nFeatures: 6, nClasses: 3, maxDepth: 8, features: [0, 2, 3, 5] })
    const phi = compileExplainer(forest).explain(randomRows(rand, 50, 6), 50)
    for (let i = 0; i < phi.length; i += 6) {
      expect(phi[i + 1]).toBe(0)
      expect(phi[i + 4]).toBe(0)
    }
  })

  it('a forest of one leaf explains nothing: contributions 0, expected value = the leaf', () => {
    const leaf: FlatTree = {
      nodeCount: 1,
      nClasses: 2,
      childrenLeft: Int32Array.of(-1),
      childrenRight: Int32Array.of(-1),
      feature: Int32Array.of(-2),
      threshold: Float64Array.of(-2),
      value: Float64Array.of(0.25, 0.75),
      nNodeSamples: Int32Array.of(8),
      weightedNNodeSamples: Float64Array.of(8),
    }
    const e = compileExplainer({ nFeatures: 3, nClasses: 2, trees: [leaf] })
    expect(Array.from(e.expectedValue)).toEqual([0.25, 0.75])
    expect(Array.from(e.explain(Float64Array.of(1, 2, 3), 1))).toEqual([0, 0, 0, 0, 0, 0])
  })
})

describe('fast-check properties on random forests', () => {
  const forestArb = fc.record({
    seed: fc.integer(),
    nFeatures: fc.integer({ min: 1, max: 7 }),
    nClasses: fc.integer({ min: 1, max: 4 }),
    nTrees: fc.integer({ min: 1, max: 6 }),
    maxDepth: fc.integer({ min: 0, max: 9 }),
    zeroCover: fc.constantFrom(0, 0.25),
  })

  it('TreeSHAP = brute-force Shapley values, and expected + sum = probability (1e-9)', () => {
    fc.assert(
      fc.property(forestArb, (p) => {
        const rand = prng(p.seed)
        const forest = randomForest(rand, p.nTrees, {
          nFeatures: p.nFeatures,
          nClasses: p.nClasses,
          maxDepth: p.maxDepth,
          zeroCoverProbability: p.zeroCover,
        })
        compareWithBruteForce(forest, randomRows(rand, 8, p.nFeatures), 8)
      }),
      { numRuns: 200 },
    )
  })

  it('explaining a batch equals explaining each row alone (no state leaks between rows)', () => {
    fc.assert(
      fc.property(forestArb, (p) => {
        const rand = prng(p.seed)
        const forest = randomForest(rand, p.nTrees, { ...p, zeroCoverProbability: p.zeroCover })
        const explainer = compileExplainer(forest)
        const rows = randomRows(rand, 5, p.nFeatures)
        const batch = explainer.explain(rows, 5)
        const width = p.nClasses * p.nFeatures
        for (let r = 0; r < 5; r++) {
          const single = explainer.explain(rows.subarray(r * p.nFeatures, (r + 1) * p.nFeatures), 1)
          expect(Array.from(batch.subarray(r * width, (r + 1) * width))).toEqual(Array.from(single))
        }
      }),
      { numRuns: 100 },
    )
  })
})
