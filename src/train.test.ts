import { createHash } from 'node:crypto'
import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../test/support/model.js'
import { loadModel } from './model/load-model.js'
import { crossValidate, TRAIN_DEFAULTS, type TrainResult, train } from './train.js'

const COMMITTED = 'models/iris_model/1/iris_model.json'
const COMMITTED_META = 'models/iris_model/1/iris_model_metadata.json'

let dir: string
let result: TrainResult
beforeAll(async () => {
  dir = await tempDir('iris-train-')
  // The exact defaults of `npm run train`, written elsewhere.
  result = await train({ ...TRAIN_DEFAULTS, out: dir }, () => new Date('2030-01-02T03:04:05.000Z'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('train with the defaults', () => {
  it('reproduces the committed model byte for byte (run `npm run train` after changing the engine)', async () => {
    const fresh = await readFile(join(dir, 'iris_model.json'))
    const committed = await readFile(COMMITTED)
    expect(
      fresh.equals(committed),
      'models/iris_model/1/iris_model.json is stale: run `npm run train -- --out models/iris_model/1` and commit it',
    ).toBe(true)
  })

  it('reproduces the committed metadata except created_at', async () => {
    const fresh = JSON.parse(await readFile(join(dir, 'iris_model_metadata.json'), 'utf8'))
    const committed = JSON.parse(await readFile(COMMITTED_META, 'utf8'))
    expect(fresh.created_at).toBe('2030-01-02T03:04:05.000Z')
    expect(Date.parse(committed.created_at)).not.toBeNaN()
    expect({ ...fresh, created_at: null }).toEqual({ ...committed, created_at: null })
    const sha = createHash('sha256')
      .update(await readFile(COMMITTED))
      .digest('hex')
    expect(committed.model_version).toBe(sha.slice(0, 12))
    expect(committed.data_sha256).toBe(
      createHash('sha256')
        .update(await readFile('data/iris.csv'))
        .digest('hex'),
    )
  })

  it('reaches the accuracy the issue asks for and records it', async () => {
    expect(result.trainSamples).toBe(120)
    expect(result.testSamples).toBe(30)
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.9)
    expect(result.report.accuracy).toBe(result.testAccuracy)
    expect(result.cv).not.toBeNull()
    expect(result.cv!.folds).toHaveLength(5)
    expect(result.cv!.mean).toBeGreaterThanOrEqual(0.93)
    const { mean, folds } = result.cv!
    expect(mean).toBeCloseTo(folds.reduce((a, b) => a + b, 0) / 5, 15)
    const importanceSum = result.importances.reduce((a, [, v]) => a + v, 0)
    expect(importanceSum).toBeCloseTo(1, 12)
    const m = result.confusion.matrix
    expect(m.flat().reduce((a, b) => a + b, 0)).toBe(30)
    expect(m[0]![0]! + m[1]![1]! + m[2]![2]!).toBe(Math.round(result.testAccuracy * 30))
  })

  it('writes only the two files, which load as a model with its metadata', async () => {
    expect((await readdir(dir)).sort()).toEqual(['iris_model.json', 'iris_model_metadata.json'])
    const model = await loadModel(join(dir, 'iris_model.json'))
    expect(model.metadata).toMatchObject({
      model_type: 'RandomForestClassifier',
      n_estimators: 100,
      seed: 42,
      train_samples: 120,
      test_samples: 30,
      format_version: 2,
      model_version: result.saved.modelVersion,
      source: expect.stringMatching(/^iris-prediction-service \d+\.\d+\.\d+/),
    })
    expect(model.metadata.cv_accuracy).toEqual(result.cv)
    expect(model.metadata.metrics).toEqual(JSON.parse(JSON.stringify(result.report)))
  })

  it('cross-validates deterministically with population std', () => {
    const X = result.dataset.X
    const y = result.dataset.y
    const a = crossValidate(X, y, 3, { nEstimators: 5, seed: 1 })
    const b = crossValidate(X, y, 3, { nEstimators: 5, seed: 1 })
    expect(a).toEqual(b)
    const mean = a.folds.reduce((s, v) => s + v, 0) / 3
    expect(a.std).toBeCloseTo(Math.sqrt(a.folds.reduce((s, v) => s + (v - mean) ** 2, 0) / 3), 15)
  })
})
