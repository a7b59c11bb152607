import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exampleRows } from '../../src/api/openapi-model.js'
import { loadModel } from '../../src/model/load-model.js'
import type { PredictionModel } from '../../src/model/types.js'
import { TRAIN_DEFAULTS, train } from '../../src/train.js'
import { tempDir } from '../support/model.js'
import { buildTestApp, SETOSA, type TestApp } from './helper.js'

// /openapi.json and Swagger UI's /docs/json describe the served model: Iris keeps the static document
// (written for it); another model gets its name, features and classes in the title and description, and
// request examples from its training data that it really answers, with the answers as response examples.

type Doc = {
  info: { title: string; description: string }
  paths: Record<string, { post?: { requestBody?: Body; responses?: Record<string, Body> } }>
}
// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI JSON is read loosely; the assertions check its shape
type Loose = any
type Body = {
  content: Record<
    string,
    { schema: Record<string, Loose>; examples?: Record<string, { value: Loose }>; example?: Loose }
  >
}

let t: TestApp
let wine: PredictionModel
let dir: string

beforeAll(async () => {
  dir = await tempDir('openapi-model-')
  const result = await train({
    ...TRAIN_DEFAULTS,
    data: 'test/fixtures/data/wine.csv',
    cv: null,
    trees: 10,
    out: dir,
    name: 'wine_model',
  })
  wine = await loadModel(result.saved.modelPath)
  t = await buildTestApp()
})
afterAll(async () => {
  await t?.app.close()
  await rm(dir, { recursive: true, force: true })
})

async function doc(path = '/openapi.json'): Promise<Doc> {
  const res = await t.app.inject({ method: 'GET', url: path })
  expect(res.statusCode).toBe(200)
  return res.json() as Doc
}

const json = (body: Body | undefined) => body!.content['application/json']!

describe('OpenAPI for the served model', () => {
  it('keeps the static Iris document for the Iris model', async () => {
    const d = await doc()
    expect(d.info.title).toBe('Iris prediction service')
    expect(json(d.paths['/predict']!.post!.requestBody).examples!.example1!.value).toEqual({
      input: [SETOSA],
    })
  })

  it('describes another model with its own names and examples it really answers, on both documents', async () => {
    const iris = t.models.swap(wine)
    try {
      for (const path of ['/openapi.json', '/docs/json']) {
        const d = await doc(path)
        expect(d.info.title).toBe('Prediction service: wine_model')
        expect(d.info.description).toContain('13 features (alcohol, malic_acid,')
        expect(d.info.description).toContain('3 classes (barbera, barolo, grignolino)')
        expect(d.info.description).toContain('Errors are always {"error": "..."}')
        const body = json(d.paths['/predict-proba']!.post!.requestBody)
        const rows = body.examples!.example2!.value.input as number[][]
        expect(rows).toHaveLength(2)
        expect(rows[0]).toHaveLength(13)
        expect(body.schema.properties.input.items.description).toContain('13 numbers')
        const reply = await t.app.inject({ method: 'POST', url: '/predict-proba', payload: { input: rows } })
        const answer = reply.json() as { prediction: string[]; probabilities: number[][] }
        const example = json(d.paths['/predict-proba']!.post!.responses!['200']).example
        expect(example.prediction).toEqual(answer.prediction)
        example.probabilities.flat().forEach((p: number, i: number) => {
          expect(p).toBeCloseTo(answer.probabilities.flat()[i]!, 4)
        })
        expect(json(d.paths['/predict']!.post!.responses!['200']).example).toEqual({
          prediction: answer.prediction,
        })
        const v2 = json(d.paths['/v2/models/{model_name}/infer']!.post!.requestBody).schema.properties.inputs
          .items.properties
        expect(v2.shape.example).toEqual([2, 13])
        expect(v2.data.example).toEqual(rows.flat())
      }
    } finally {
      t.models.swap(iris)
    }
    expect((await doc()).info.title).toBe('Iris prediction service')
  })

  it('takes typical training rows when it can, else medians, split midpoints or zeros', () => {
    expect(exampleRows(wine).from).toBe("typical rows of the model's training data")
    const strip = (summary: unknown) =>
      ({
        ...wine,
        nFeatures: 2,
        metadata: { ...wine.metadata, training_summary: summary },
      }) as PredictionModel
    const split = {
      basis: 'split-thresholds',
      features: [
        { min: 1, max: 3, median: null },
        { min: null, max: null, median: null },
      ],
    }
    expect(exampleRows(strip(split))).toEqual({
      rows: [[2, 0]],
      from: "the middle of the trees' split thresholds",
    })
    expect(exampleRows(strip(undefined)).rows).toEqual([[0, 0]])
  })
})
