/**
 * TreeSHAP on forests fitted by our own engine (RandomForestClassifier): exact against brute force, and
 * locally accurate against the engine's own predictProba (the numbers the API serves).
 */
import { describe, expect, it } from 'vitest'
import { RandomForestClassifier } from '../../src/ml/index.js'
import { compileExplainer } from '../../src/ml/treeshap.js'
import { compareWithBruteForce } from './compare.js'
import { irisRows } from './iris-rows.js'
import { prng } from './random-trees.js'

function localAccuracyAgainstEngine(
  model: RandomForestClassifier,
  rows: Float64Array,
  nRows: number,
): number {
  const { forest, predictor } = model
  const explainer = compileExplainer(forest)
  const phi = explainer.explain(rows, nRows)
  const proba = predictor.predictProba(rows, nRows)
  const { nClasses: k, nFeatures: m } = forest
  let worst = 0
  for (let r = 0; r < nRows; r++) {
    for (let c = 0; c < k; c++) {
      let sum = explainer.expectedValue[c]!
      for (let f = 0; f < m; f++) sum += phi[(r * k + c) * m + f]!
      worst = Math.max(worst, Math.abs(sum - proba[r * k + c]!))
    }
  }
  return worst
}

describe('TreeSHAP on RandomForestClassifier forests', async () => {
  const iris = await irisRows()

  it('Iris, 100 trees (the served model): brute force and engine probabilities, all 150 rows', () => {
    const model = new RandomForestClassifier({ nEstimators: 100, seed: 42 }).fit(
      iris.dataset.X,
      iris.dataset.y,
    )
    const d = compareWithBruteForce(model.forest, iris.rows, iris.nRows)
    const engine = localAccuracyAgainstEngine(model, iris.rows, iris.nRows)
    console.info(
      `Iris 100 trees: max |error| vs brute force ${d.vsBruteForce.toExponential(2)}, vs engine ${engine.toExponential(2)}`,
    )
    expect(engine).toBeLessThanOrEqual(1e-9)
  })

  it('Iris, single unbootstrapped tree with all features per split', () => {
    const model = new RandomForestClassifier({ nEstimators: 1, bootstrap: false, maxFeatures: 'all' })
    model.fit(iris.dataset.X, iris.dataset.y)
    compareWithBruteForce(model.forest, iris.rows, iris.nRows)
  })

  it('a 10-feature random dataset with 3 classes, 20 trees', () => {
    const rand = prng(21)
    const X = Array.from({ length: 200 }, () =>
      Array.from({ length: 10 }, () => Math.round(rand() * 100) / 10),
    )
    // Labels depend on a few features plus noise, so trees use some features far more than others.
    const y = X.map((x) => {
      const s = x[0]! + 0.5 * x[3]! - 0.3 * x[7]! + rand() * 3
      return s < 4 ? 'a' : s < 7 ? 'b' : 'c'
    })
    const model = new RandomForestClassifier({ nEstimators: 20, seed: 7 }).fit(X, y)
    const rows = Float64Array.from(X.slice(0, 40).flat())
    const d = compareWithBruteForce(model.forest, rows, 40)
    console.info(`10 features, 20 trees: max |error| vs brute force ${d.vsBruteForce.toExponential(2)}`)
    expect(localAccuracyAgainstEngine(model, rows, 40)).toBeLessThanOrEqual(1e-9)
  })
})
