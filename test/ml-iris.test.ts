import { describe, expect, it } from 'vitest'
import { pick, X, y } from '../dev/iris-data.js'
import {
  accuracy,
  RandomForestClassifier,
  stratifiedKFold,
  stratifiedTrainTestSplit,
} from '../src/ml/index.js'

describe('RandomForestClassifier on Iris', () => {
  it('scores >= 0.90 on the stratified hold-out (test 0.2, seed 42)', () => {
    const { train, test } = stratifiedTrainTestSplit(y, { testSize: 0.2, seed: 42 })
    const rf = new RandomForestClassifier({ seed: 42 }).fit(pick(X, train), pick(y, train))
    expect(accuracy(pick(y, test), rf.predict(pick(X, test)))).toBeGreaterThanOrEqual(0.9)
    expect(rf.classes).toEqual(['setosa', 'versicolor', 'virginica'])
    // Petal measurements carry the signal on Iris.
    const [sl, sw, pl, pw] = rf.featureImportances
    expect(pl! + pw!).toBeGreaterThan(sl! + sw!)
  })

  it('scores >= 0.93 mean accuracy in 5-fold stratified CV (shuffle, seed 0)', () => {
    const scores = stratifiedKFold(y, { k: 5, shuffle: true, seed: 0 }).map(({ train, test }) => {
      const rf = new RandomForestClassifier({ seed: 42 }).fit(pick(X, train), pick(y, train))
      return accuracy(pick(y, test), rf.predict(pick(X, test)))
    })
    expect(scores.reduce((a, b) => a + b, 0) / scores.length).toBeGreaterThanOrEqual(0.93)
  })

  it('has an out-of-bag accuracy close to its CV accuracy', () => {
    const rf = new RandomForestClassifier({ oobScore: true }).fit(X, y)
    expect(rf.oobScore).toBeGreaterThan(0.9)
  })
})
