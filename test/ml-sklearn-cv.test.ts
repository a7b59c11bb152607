import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { pick, X, y } from '../dev/iris-data.js'
import {
  accuracy,
  RandomForestClassifier,
  stratifiedKFold,
  stratifiedTrainTestSplit,
} from '../src/ml/index.js'

// Made by scripts/sklearn_cv_compare.py (scikit-learn on our exact folds); no Python needed here.
interface Summary {
  mean: number
  std: number
  folds: number[]
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/sklearn-cv.json', import.meta.url), 'utf8')) as {
  sklearn_version: string
  holdout: { train: number[]; test: number[]; ours: number; sklearn: number }
  cv: { folds: { train: number[]; test: number[] }[]; ours: Summary; sklearn: Summary }
}

const score = (train: number[], test: number[]) =>
  accuracy(
    pick(y, test),
    new RandomForestClassifier({ seed: 42 }).fit(pick(X, train), pick(y, train)).predict(pick(X, test)),
  )

describe(`our engine vs scikit-learn ${fixture.sklearn_version} on the same folds`, () => {
  it('the fixture folds are still the ones our split functions make', () => {
    const split = stratifiedTrainTestSplit(y, { testSize: 0.2, seed: 42 })
    expect(fixture.holdout.train).toEqual(split.train)
    expect(fixture.holdout.test).toEqual(split.test)
    expect(fixture.cv.folds).toEqual(stratifiedKFold(y, { k: 5, shuffle: true, seed: 0 }))
  })

  it('reproduces the recorded accuracies and is at least as accurate as scikit-learn (within one sample)', () => {
    const hold = score(fixture.holdout.train, fixture.holdout.test)
    expect(hold).toBe(fixture.holdout.ours)
    expect(hold).toBeGreaterThanOrEqual(fixture.holdout.sklearn - 1 / fixture.holdout.test.length)
    const folds = fixture.cv.folds.map((f) => score(f.train, f.test))
    expect(folds).toEqual(fixture.cv.ours.folds)
    const mean = folds.reduce((a, b) => a + b, 0) / folds.length
    expect(mean).toBeGreaterThanOrEqual(fixture.cv.sklearn.mean - 1 / 30)
  })
})
