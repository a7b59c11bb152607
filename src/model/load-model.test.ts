import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { savedSmallModel, smallIrisModel, tempDir } from '../../test/support/model.js'
import { loadLabelledCsv } from '../data/load.js'
import { compileForest, FeatureCountError, LengthMismatchError, NonFiniteInputError } from '../ml/index.js'
import { ModelLoadError } from './errors.js'
import { type ForestModel, loadModel } from './load-model.js'

let dir: string
let model: ForestModel
let X: number[][]
let y: string[]

beforeAll(async () => {
  dir = await tempDir()
  const saved = await savedSmallModel(dir, 'iris_small')
  model = await loadModel(saved.modelPath)
  X = saved.X
  y = (await loadLabelledCsv('data/iris.csv')).y
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('loadModel', () => {
  it('exposes names, version and metadata of the loaded model', () => {
    expect(model.name).toBe('iris_small')
    expect(model.version).toMatch(/^[0-9a-f]{12}$/)
    expect(model.metadata.model_version).toBe(model.version)
    expect(model.classes).toEqual(['setosa', 'versicolor', 'virginica'])
    expect(model.featureNames).toHaveLength(4)
    expect(model.nFeatures).toBe(4)
    expect(model.nClasses).toBe(3)
    expect(model.modelType).toBe('RandomForestClassifier')
  })

  it('predicts the same probabilities as the forest it was saved from; labels are the argmax', async () => {
    const { description } = await smallIrisModel()
    const rows = Float64Array.from(X.flat())
    const proba = model.predictProba(rows, X.length)
    expect(proba).toEqual(compileForest(description.forest).predictProba(rows, X.length))
    const idx = model.predictIndices(rows, X.length)
    const labels = model.predict(X)
    for (let r = 0; r < X.length; r++) {
      const p = Array.from(proba.subarray(r * 3, r * 3 + 3))
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
      expect(idx[r]).toBe(p.indexOf(Math.max(...p)))
      expect(labels[r]).toBe(model.classes[idx[r]!])
    }
    const trainingAccuracy = labels.filter((l, i) => l === y[i]).length / y.length
    expect(trainingAccuracy).toBeGreaterThan(0.95)
  })

  it('validates row shape and values with typed errors', () => {
    expect(() => model.predictProba(new Float64Array(6), 2)).toThrow(FeatureCountError)
    expect(() => model.predictProba(new Float64Array(7), 2)).toThrow(LengthMismatchError)
    expect(() => model.predictProba(Float64Array.from([1, 2, Number.NaN, 4]), 1)).toThrow(NonFiniteInputError)
    expect(() => model.predictIndices(Float64Array.from([1, 2, 3, 4, 1, 2, 3, Infinity]), 2)).toThrow(
      'row 1, column 3',
    )
    expect(() => model.predict([[1, 2, 3]])).toThrow(FeatureCountError)
    expect(() => model.predictProba(Float64Array.from([1, 2, 3, 1e39]), 1)).toThrow(
      'row 0, column 3: value 1e+39',
    )
    expect(model.predictProba(new Float64Array(0), 0)).toHaveLength(0)
  })

  it('is immutable', () => {
    expect(Object.isFrozen(model)).toBe(true)
    expect(Object.isFrozen(model.metadata)).toBe(true)
    expect(Object.isFrozen(model.metadata.feature_names)).toBe(true)
    expect(() => {
      ;(model as { name: string }).name = 'other'
    }).toThrow(TypeError)
    expect(() => (model.classes as string[]).push('x')).toThrow(TypeError)
  })

  it('refuses a missing file with ModelLoadError', async () => {
    await expect(loadModel(`${dir}/missing.json`)).rejects.toBeInstanceOf(ModelLoadError)
  })
})
