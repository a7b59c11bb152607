import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { trainingSet } from '../../test/support/training-set.js'
import { LEAF } from './flat-tree.js'
import { Random } from './random.js'
import { applyTree, buildTree, type TreeParams } from './tree.js'

const ALL: TreeParams = {
  maxDepth: Number.POSITIVE_INFINITY,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  maxFeatures: 1,
}

function build(X: number[][], y: number[], params: Partial<TreeParams> = {}, w?: number[]) {
  const data = trainingSet(X, y)
  const weights = Float64Array.from(w ?? y.map(() => 1))
  return buildTree(data, weights, { ...ALL, maxFeatures: data.nFeatures, ...params }, new Random(1))
}

describe('buildTree', () => {
  it('builds the known exact tree of a 1-D toy set, numbered depth-first', () => {
    // a a b b a a -> x <= 1.5 ? a : (x <= 3.5 ? b : a)
    const { tree } = build([[0], [1], [2], [3], [4], [5]], [0, 0, 1, 1, 0, 0])
    expect(tree.nodeCount).toBe(5)
    expect(Array.from(tree.childrenLeft)).toEqual([1, LEAF, 3, LEAF, LEAF])
    expect(Array.from(tree.childrenRight)).toEqual([2, LEAF, 4, LEAF, LEAF])
    expect(Array.from(tree.feature)).toEqual([0, -2, 0, -2, -2])
    expect(Array.from(tree.threshold)).toEqual([1.5, -2, 3.5, -2, -2])
    expect(Array.from(tree.value)).toEqual([4 / 6, 2 / 6, 1, 0, 0.5, 0.5, 0, 1, 1, 0])
    expect(Array.from(tree.nNodeSamples)).toEqual([6, 2, 4, 2, 2])
    expect(Array.from(tree.weightedNNodeSamples)).toEqual([6, 2, 4, 2, 2])
  })

  it('weights class distributions by sample weights and counts distinct samples', () => {
    const { tree } = build([[0], [1], [2]], [0, 1, 1], {}, [3, 0, 2])
    expect(Array.from(tree.threshold)).toEqual([1, -2, -2])
    expect(Array.from(tree.value)).toEqual([0.6, 0.4, 1, 0, 0, 1])
    expect(Array.from(tree.nNodeSamples)).toEqual([2, 1, 1])
    expect(Array.from(tree.weightedNNodeSamples)).toEqual([5, 3, 2])
  })

  it('makes a pure node a leaf', () => {
    const { tree } = build([[0], [1], [2]], [1, 1, 1])
    expect(tree.nodeCount).toBe(1)
    expect(Array.from(tree.value)).toEqual([0, 1])
  })

  it('makes a leaf of identical rows with different labels', () => {
    const { tree } = build([[2], [2], [2], [2]], [0, 1, 1, 1])
    expect(tree.nodeCount).toBe(1)
    expect(Array.from(tree.value)).toEqual([0.25, 0.75])
  })

  it('stops at maxDepth and below minSamplesSplit', () => {
    const X = [[0], [1], [2], [3], [4], [5]]
    const y = [0, 0, 1, 1, 0, 0]
    expect(build(X, y, { maxDepth: 1 }).tree.nodeCount).toBe(3)
    // The right child has 4 samples: minSamplesSplit 5 keeps it a leaf.
    expect(build(X, y, { minSamplesSplit: 5 }).tree.nodeCount).toBe(3)
    expect(build(X, y, { minSamplesSplit: 7 }).tree.nodeCount).toBe(1)
  })

  it('computes the unnormalised impurity decrease per feature', () => {
    const { impurityDecrease } = build([[0], [1], [2], [3], [4], [5]], [0, 0, 1, 1, 0, 0])
    const g = (a: number, b: number) => 1 - (a * a + b * b) / ((a + b) * (a + b))
    const expected = (6 * g(4, 2) - 2 * 0 - 4 * g(2, 2) + 4 * g(2, 2) - 0 - 0) / 6
    expect(impurityDecrease[0]).toBeCloseTo(expected, 15)
  })

  it('holds its invariants on random data (children after parents, leaves sized by minSamplesLeaf, apply reaches a leaf)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 3 }), fc.nat(2)), {
          minLength: 2,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 4 }),
        (rows, minSamplesLeaf) => {
          const X = rows.map(([a, b]) => [a / 2, b])
          const y = rows.map(([, , c]) => c)
          y[0] = 0
          y[1] = 1
          const { tree } = build(X, y, { minSamplesLeaf, maxFeatures: 1 })
          for (let n = 0; n < tree.nodeCount; n++) {
            const l = tree.childrenLeft[n]!
            const r = tree.childrenRight[n]!
            let sum = 0
            for (let k = 0; k < tree.nClasses; k++) sum += tree.value[n * tree.nClasses + k]!
            expect(sum).toBeCloseTo(1, 12)
            if (l === LEAF) {
              expect(r).toBe(LEAF)
              expect(tree.feature[n]).toBe(-2)
              if (n > 0) expect(tree.nNodeSamples[n]).toBeGreaterThanOrEqual(minSamplesLeaf)
            } else {
              expect(l).toBeGreaterThan(n)
              expect(r).toBeGreaterThan(n)
              expect(tree.nNodeSamples[l]! + tree.nNodeSamples[r]!).toBe(tree.nNodeSamples[n])
            }
          }
          X.forEach((row) => {
            expect(tree.childrenLeft[applyTree(tree, row)]).toBe(LEAF)
          })
        },
      ),
      { numRuns: 200 },
    )
  })
})
