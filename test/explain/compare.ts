/** Compare TreeSHAP with the brute-force reference on every row; returns the largest deviations seen. */
import { expect } from 'vitest'
import type { Forest } from '../../src/ml/flat-tree.js'
import { compileExplainer } from '../../src/ml/treeshap.js'
import { bruteForceShap } from './brute-force.js'
import { forestProba } from './random-trees.js'

export interface Deviations {
  /** max |TreeSHAP - brute force| over rows, classes and features (and expected values). */
  vsBruteForce: number
  /** max |expected + sum(contributions) - probability| over rows and classes. */
  localAccuracy: number
}

export function compareWithBruteForce(forest: Forest, rows: Float64Array, nRows: number): Deviations {
  const m = forest.nFeatures
  const k = forest.nClasses
  const explainer = compileExplainer(forest)
  const phi = explainer.explain(rows, nRows)
  let vsBruteForce = 0
  let localAccuracy = 0
  for (let r = 0; r < nRows; r++) {
    const row = rows.subarray(r * m, (r + 1) * m)
    const ref = bruteForceShap(forest, row)
    const proba = forestProba(forest, row)
    for (let c = 0; c < k; c++) {
      vsBruteForce = Math.max(vsBruteForce, Math.abs(ref.expectedValue[c] - explainer.expectedValue[c]))
      let sum = explainer.expectedValue[c]
      for (let f = 0; f < m; f++) {
        const got = phi[(r * k + c) * m + f]
        vsBruteForce = Math.max(vsBruteForce, Math.abs(got - ref.contributions[c * m + f]))
        sum += got
      }
      localAccuracy = Math.max(localAccuracy, Math.abs(sum - proba[c]))
    }
  }
  expect(vsBruteForce).toBeLessThanOrEqual(1e-9)
  expect(localAccuracy).toBeLessThanOrEqual(1e-9)
  return { vsBruteForce, localAccuracy }
}
