/**
 * TreeSHAP equals the exact Shapley values of the path-dependent value function (brute force over all
 * 2^M subsets), on single trees and whole forests, for Iris (4 features) and a 10-feature dataset.
 */
import { describe, expect, it } from 'vitest'
import { compileExplainer } from '../../src/ml/treeshap.js'
import { compareWithBruteForce, type Deviations } from './compare.js'
import { irisRows } from './iris-rows.js'
import { prng, randomForest, randomRows } from './random-trees.js'

const worst: Deviations = { vsBruteForce: 0, localAccuracy: 0 }
function track(d: Deviations): void {
  worst.vsBruteForce = Math.max(worst.vsBruteForce, d.vsBruteForce)
  worst.localAccuracy = Math.max(worst.localAccuracy, d.localAccuracy)
}

describe('TreeSHAP vs brute force, Iris (4 features, all 150 rows)', async () => {
  const iris = await irisRows()
  const options = { nFeatures: 4, nClasses: 3, thresholds: iris.perFeature }

  it('single deep trees (depth up to 10, features repeating along paths)', () => {
    const rand = prng(1)
    for (let i = 0; i < 10; i++) {
      const forest = randomForest(rand, 1, { ...options, maxDepth: 10, splitProbability: 0.85 })
      track(compareWithBruteForce(forest, iris.rows, iris.nRows))
    }
  })

  it('a 100-tree forest', () => {
    const forest = randomForest(prng(2), 100, { ...options, maxDepth: 6 })
    track(compareWithBruteForce(forest, iris.rows, iris.nRows))
  })

  it('the expected value is the cover-weighted mean leaf value, averaged over trees', () => {
    const forest = randomForest(prng(3), 7, { ...options, maxDepth: 6 })
    const expected = compileExplainer(forest).expectedValue
    const direct = new Float64Array(3)
    for (const t of forest.trees) {
      for (let n = 0; n < t.nodeCount; n++) {
        if (t.childrenLeft[n] !== -1) continue
        for (let c = 0; c < 3; c++) {
          direct[c] += (t.value[n * 3 + c] * t.weightedNNodeSamples[n]) / t.weightedNNodeSamples[0] / 7
        }
      }
    }
    for (let c = 0; c < 3; c++) expect(expected[c]).toBeCloseTo(direct[c], 12)
  })
})

describe('TreeSHAP vs brute force, 10 random features', () => {
  it('single trees', () => {
    const rand = prng(4)
    for (let i = 0; i < 10; i++) {
      const forest = randomForest(rand, 1, { nFeatures: 10, nClasses: 3, maxDepth: 10 })
      track(compareWithBruteForce(forest, randomRows(rand, 20, 10), 20))
    }
  })

  it('a 25-tree forest with 2 classes, and one with 5 classes', () => {
    const rand = prng(5)
    const f2 = randomForest(rand, 25, { nFeatures: 10, nClasses: 2, maxDepth: 9 })
    track(compareWithBruteForce(f2, randomRows(rand, 20, 10), 20))
    const f5 = randomForest(rand, 25, { nFeatures: 8, nClasses: 5, maxDepth: 9 })
    track(compareWithBruteForce(f5, randomRows(rand, 20, 8), 20))
  })

  it('trees with zero-cover leaves (weighted scikit-learn trees)', () => {
    const rand = prng(6)
    const forest = randomForest(rand, 10, {
      nFeatures: 9,
      nClasses: 3,
      maxDepth: 8,
      zeroCoverProbability: 0.3,
    })
    track(compareWithBruteForce(forest, randomRows(rand, 30, 9), 30))
  })

  it('reports the largest deviations seen', () => {
    console.info(
      `TreeSHAP max |error| vs brute force ${worst.vsBruteForce.toExponential(2)}, ` +
        `max local-accuracy error ${worst.localAccuracy.toExponential(2)}`,
    )
    expect(worst.vsBruteForce).toBeLessThanOrEqual(1e-9)
  })
})
