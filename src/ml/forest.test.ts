import { describe, expect, it } from 'vitest'
import {
  EmptyTrainingDataError,
  FeatureCountError,
  LengthMismatchError,
  NonFiniteInputError,
  NotFittedError,
  SingleClassError,
} from './errors.js'
import { RandomForestClassifier } from './forest.js'
import { Random } from './random.js'

// Two noisy blobs per class in 3 features, the third pure noise.
function blobs(n: number, seed: number) {
  const rng = new Random(seed)
  const X: number[][] = []
  const y: string[] = []
  for (let i = 0; i < n; i++) {
    const c = i % 3
    X.push([c + rng.nextFloat() * 1.5, 2 * c + rng.nextFloat() * 3, rng.nextFloat()])
    y.push(['gamma', 'alpha', 'beta'][c]!)
  }
  return { X, y }
}

const { X, y } = blobs(90, 7)

describe('RandomForestClassifier', () => {
  it('sorts classes like numpy (plain string order)', () => {
    const rf = new RandomForestClassifier({ nEstimators: 3 }).fit(X, y)
    expect(rf.classes).toEqual(['alpha', 'beta', 'gamma'])
    expect(
      new RandomForestClassifier({ nEstimators: 2 }).fit([[0], [1], [2]], ['b', 'B', 'a']).classes,
    ).toEqual(['B', 'a', 'b'])
  })

  it('gives probabilities that sum to 1 and predict = their argmax', () => {
    const rf = new RandomForestClassifier({ nEstimators: 25 }).fit(X, y)
    const probe = blobs(60, 99).X
    const proba = rf.predictProba(probe)
    const labels = rf.predict(probe)
    proba.forEach((p, i) => {
      expect(p).toHaveLength(3)
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
      expect(labels[i]).toBe(rf.classes[p.indexOf(Math.max(...p))])
    })
  })

  it('fits its training data well', () => {
    const rf = new RandomForestClassifier({ nEstimators: 20 }).fit(X, y)
    const correct = rf.predict(X).filter((l, i) => l === y[i]).length
    expect(correct / X.length).toBeGreaterThan(0.95)
  })

  it('is deterministic: same seed -> identical trees, different seed -> different trees', () => {
    const json = (seed: number) =>
      JSON.stringify(new RandomForestClassifier({ nEstimators: 10, seed }).fit(X, y).forest)
    expect(json(3)).toBe(json(3))
    expect(json(3)).not.toBe(json(4))
  })

  it('averages the leaf distributions of its trees (1 tree -> that tree)', () => {
    const rf = new RandomForestClassifier({ nEstimators: 1, bootstrap: false, maxFeatures: 'all' }).fit(
      [[0], [1], [2], [3]],
      ['a', 'a', 'b', 'b'],
    )
    expect(rf.forest.trees[0]!.threshold[0]).toBe(1.5)
    expect(rf.predictProba([[1.5], [1.6]])).toEqual([
      [1, 0],
      [0, 1],
    ])
  })

  it('compares inputs cast to float32, as scikit-learn', () => {
    const a = Math.fround(0.1)
    const b = Math.fround(0.2)
    const rf = new RandomForestClassifier({ nEstimators: 1, bootstrap: false }).fit(
      [[0.1], [0.2]],
      ['x', 'y'],
    )
    const t = rf.forest.trees[0]!.threshold[0]!
    expect(t).toBe(a / 2 + b / 2)
    // t <= t in float64, but float32(t) rounds above t: scikit-learn sends it right.
    expect(Math.fround(t)).toBeGreaterThan(t)
    expect(rf.predict([[t], [0.1], [0.15000000223517]])).toEqual(['y', 'x', 'y'])
  })

  it('without bootstrap, one feature gives identical trees (only the feature order is random)', () => {
    const rf = new RandomForestClassifier({ nEstimators: 4, bootstrap: false }).fit(
      X.map((r) => [r[0]!]),
      y,
    )
    const [first, ...rest] = rf.forest.trees.map((t) => JSON.stringify(t))
    for (const t of rest) expect(t).toBe(first)
  })

  it.each(['sqrt', 'log2', 'all', 2, 0.7] as const)('accepts maxFeatures %s', (maxFeatures) => {
    const rf = new RandomForestClassifier({ nEstimators: 5, maxFeatures }).fit(X, y)
    expect(rf.predict(X.slice(0, 3))).toHaveLength(3)
  })

  it('has feature importances that sum to 1 and favour informative features', () => {
    const rf = new RandomForestClassifier({ nEstimators: 30 }).fit(X, y)
    const imp = rf.featureImportances
    expect(imp.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    expect(imp[2]).toBeLessThan(imp[0]!)
  })

  it('gives zero importances when no tree can split', () => {
    const rf = new RandomForestClassifier({ nEstimators: 3 }).fit(
      [
        [1, 1],
        [1, 1],
      ],
      ['a', 'b'],
    )
    expect(rf.featureImportances).toEqual([0, 0])
    expect(rf.predictProba([[5, 5]])[0]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
  })

  it('reports an out-of-bag accuracy when asked, null otherwise', () => {
    const rf = new RandomForestClassifier({ nEstimators: 30, oobScore: true }).fit(X, y)
    expect(rf.oobScore).toBeGreaterThan(0.8)
    expect(rf.oobScore).toBeLessThanOrEqual(1)
    expect(new RandomForestClassifier({ nEstimators: 2 }).fit(X, y).oobScore).toBeNull()
  })

  it('respects minSamplesLeaf in every tree', () => {
    const rf = new RandomForestClassifier({ nEstimators: 10, minSamplesLeaf: 5 }).fit(X, y)
    for (const t of rf.forest.trees) {
      for (let n = 0; n < t.nodeCount; n++)
        if (t.childrenLeft[n] === -1) expect(t.nNodeSamples[n]).toBeGreaterThanOrEqual(5)
    }
  })

  it('throws typed errors for bad input', () => {
    const rf = new RandomForestClassifier({ nEstimators: 2 })
    expect(() => rf.predict([[1, 2, 3]])).toThrow(NotFittedError)
    expect(() => rf.featureImportances).toThrow(NotFittedError)
    expect(() => rf.fit([], [])).toThrow(EmptyTrainingDataError)
    expect(() => rf.fit([[], []], ['a', 'b'])).toThrow(EmptyTrainingDataError)
    expect(() => rf.fit([[1], [2]], ['a', 'a'])).toThrow(SingleClassError)
    expect(() => rf.fit([[1], [2]], ['a'])).toThrow(LengthMismatchError)
    expect(() => rf.fit([[1, 2], [3]], ['a', 'b'])).toThrow(FeatureCountError)
    expect(() => rf.fit([[1], [Number.NaN]], ['a', 'b'])).toThrow(NonFiniteInputError)
    expect(() => rf.fit([[1], [1e39]], ['a', 'b'])).toThrow(NonFiniteInputError)
    rf.fit(X, y)
    expect(() => rf.predict([[1, 2]])).toThrow(/row 0: expected 3 features, got 2/)
    expect(() =>
      rf.predictProba([
        [1, 2, 3],
        [1, Number.POSITIVE_INFINITY, 3],
      ]),
    ).toThrow(/row 1, column 1/)
  })
})
