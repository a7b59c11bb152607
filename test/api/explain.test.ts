/**
 * POST /explain through app.inject: replies checked against the model (its probabilities, its own
 * explanation, local accuracy), every validation fault identical to /predict-proba's, logs, metrics,
 * OpenAPI, and the 501 for models that cannot explain.
 */
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { explainInSlices } from '../../src/api/routes/explain.js'
import { TreeShapError } from '../../src/ml/treeshap.js'
import type { ModelSlot } from '../../src/model/model-slot.js'
import type { PredictionModel } from '../../src/model/types.js'
import { buildTestApp, postTo, requestLines, SETOSA, type TestApp, VERSICOLOR, VIRGINICA } from './helper.js'

let t: TestApp
let model: PredictionModel
beforeAll(async () => {
  t = await buildTestApp({ BODY_LIMIT: '65536', MAX_BATCH_ROWS: '500' })
  model = t.models.current as PredictionModel
})
afterAll(() => t.app.close())

const post = (url: string, payload: unknown, headers?: Record<string, string>) =>
  postTo(t, url, payload, headers)

interface RowExplanation {
  prediction: string
  probabilities: Record<string, number>
  expected_value: Record<string, number>
  contributions: Record<string, Record<string, number>>
}

/** Checks one reply against the model: names, probabilities, contributions and local accuracy. */
async function expectExplained(rows: number[][]): Promise<RowExplanation[]> {
  const res = await post('/explain', { input: rows })
  expect(res.statusCode).toBe(200)
  expect(res.headers['content-type']).toMatch(/^application\/json/)
  expect(res.headers['x-request-id']).toBeTruthy()
  const body = res.json() as { explanations: RowExplanation[] }
  expect(Object.keys(body)).toEqual(['explanations'])
  const proba = await post('/predict-proba', { input: rows })
  const { prediction, probabilities } = proba.json() as { prediction: string[]; probabilities: number[][] }
  const flat = Float64Array.from(rows.flat())
  const own = model.explain!(flat, rows.length)
  const { classes, featureNames: features } = model
  expect(body.explanations).toHaveLength(rows.length)
  body.explanations.forEach((e, r) => {
    expect(Object.keys(e)).toEqual(['prediction', 'probabilities', 'expected_value', 'contributions'])
    expect(e.prediction).toBe(prediction[r])
    expect(Object.keys(e.probabilities)).toEqual(classes)
    expect(Object.keys(e.expected_value)).toEqual(classes)
    expect(Object.keys(e.contributions)).toEqual(classes)
    classes.forEach((c, k) => {
      expect(e.probabilities[c]).toBe(probabilities[r]![k])
      expect(e.expected_value[c]).toBe(own.expectedValue[k])
      expect(Object.keys(e.contributions[c]!)).toEqual(features)
      let sum = e.expected_value[c]!
      features.forEach((f, j) => {
        const v = e.contributions[c]![f]!
        expect(v).toBe(own.contributions[(r * classes.length + k) * features.length + j])
        sum += v
      })
      // Local accuracy through HTTP (JSON numbers round-trip doubles exactly).
      expect(Math.abs(sum - e.probabilities[c]!)).toBeLessThanOrEqual(1e-9)
    })
  })
  return body.explanations
}

describe('POST /explain', () => {
  it('explains a single row: the predicted class gets positive contributions', async () => {
    const [e] = await expectExplained([SETOSA])
    expect(e!.prediction).toBe('setosa')
    const petals = e!.contributions.setosa!
    expect(Object.values(petals).reduce((a, b) => a + b, 0)).toBeGreaterThan(0.5)
  })

  it('explains a batch, each row as if alone, in input order', async () => {
    const rows = [SETOSA, VERSICOLOR, VIRGINICA, [0, 0, 0, 0], [100, 100, 100, 100]]
    const batch = await expectExplained(rows)
    expect(batch.slice(0, 3).map((e) => e.prediction)).toEqual(['setosa', 'versicolor', 'virginica'])
    for (const [r, row] of rows.entries()) {
      const single = (await post('/explain', { input: [row] })).json().explanations[0]
      expect(single).toEqual(batch[r])
    }
  })

  it('is locally accurate on 200 varied rows', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => [
      4 + ((i * 37) % 40) / 10,
      2 + ((i * 11) % 25) / 10,
      1 + ((i * 7) % 60) / 10,
      0.1 + ((i * 13) % 25) / 10,
    ])
    await expectExplained(rows)
  })

  // Every fault /predict-proba answers, /explain answers identically (status and body).
  const faults: [string, unknown][] = [
    ['invalid JSON', '{"input": [[5.1, 3.5'],
    ['empty body', ''],
    ['a list body', '[[5.1, 3.5, 1.4, 0.2]]'],
    ['null body', 'null'],
    ['no input', {}],
    ['input not a list', { input: 'not a list' }],
    ['input empty', { input: [] }],
    ['row not a list', { input: [SETOSA, 5.1] }],
    ['3 features', { input: [[5.1, 3.5, 1.4]] }],
    ['5 features', { input: [SETOSA, [1, 2, 3, 4, 5]] }],
    ['a string value', { input: [SETOSA, [1, '2', 3, 4]] }],
    ['a null value', { input: [[1, 2, null, 4]] }],
    ['Infinity', '{"input": [[5.1, 1e400, 1.4, 0.2]]}'],
    ['first fault wins', { input: [SETOSA, [1, 2, 3], ['a', 1, 2, 3]] }],
    ['too many rows', { input: Array.from({ length: 501 }, () => [1, 2, 3, 4]) }],
    ['body too large', { input: Array.from({ length: 4000 }, () => SETOSA) }],
  ]
  it.each(faults)('answers "%s" exactly as /predict-proba does', async (_name, payload) => {
    const want = await post('/predict-proba', payload)
    const got = await post('/explain', payload)
    expect(want.statusCode).toBeGreaterThanOrEqual(400)
    expect(got.statusCode).toBe(want.statusCode)
    expect(got.headers['content-type']).toBe(want.headers['content-type'])
    expect(got.json()).toEqual(want.json())
  })

  it('405 with Allow for other methods', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/explain' })
    expect(res.statusCode).toBe(405)
    expect(res.headers.allow).toBe('POST')
  })

  it("logs one line per request in the seed's format, faults at error level", async () => {
    const before = requestLines(t.logs).length
    await post(
      '/explain',
      { input: [SETOSA] },
      { 'content-type': 'application/json', 'x-request-id': 'why-ok' },
    )
    await post(
      '/explain',
      { input: [['a', 1, 2, 3]] },
      { 'content-type': 'application/json', 'x-request-id': 'why-bad' },
    )
    const lines = requestLines(t.logs).slice(before)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatchObject({
      level: 'INFO',
      request_metrics: {
        endpoint: '/explain',
        method: 'POST',
        status_code: 200,
        request_id: 'why-ok',
        error: null,
      },
    })
    expect(lines[1]).toMatchObject({
      level: 'ERROR',
      request_metrics: {
        endpoint: '/explain',
        status_code: 415,
        request_id: 'why-bad',
        error: 'input[0][0] must be a number, got string',
      },
    })
  })

  it('counts requests, rows and predicted classes in /metrics', async () => {
    await post('/explain', { input: [VIRGINICA, VIRGINICA] })
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
    expect(text).toMatch(
      /http_request_duration_seconds_count\{route="\/explain",method="POST",status_code="200"\} [1-9]/,
    )
    expect(text).toMatch(/iris_prediction_rows_count\{route="\/explain"\} [1-9]/)
  })

  it('is in the OpenAPI document with its body, reply schema and an example', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json()
    const op = doc.paths['/explain'].post
    expect(op.requestBody.content['application/json'].schema.properties.input).toBeDefined()
    const ok = op.responses['200'].content['application/json']
    expect(ok.schema.properties.explanations.items.properties.contributions).toBeDefined()
    const example = ok.example ?? ok.schema.examples?.[0] ?? Object.values(ok.examples ?? {})[0]
    expect(JSON.stringify(example)).toContain('expected_value')
    expect(Object.keys(op.responses)).toEqual(
      expect.arrayContaining(['400', '413', '415', '422', '501', '503']),
    )
  })
})

describe('POST /explain when the model cannot explain', () => {
  it('501 for a model without explain(), 501 naming the reason for unexplainable trees, 503 without model', async () => {
    const base = model
    const { explain: _omit, ...rest } = base as PredictionModel & Record<string, unknown>
    const holder = t.models as ModelSlot
    try {
      holder.swap({
        ...rest,
        predictProba: base.predictProba,
        predictIndices: base.predictIndices,
      } as PredictionModel)
      const res = await post('/explain', { input: [SETOSA] })
      expect(res.statusCode).toBe(501)
      expect(res.json()).toEqual({
        error: 'the served model cannot explain its predictions: it has no explainer',
      })
      holder.swap({
        ...rest,
        predictProba: base.predictProba,
        predictIndices: base.predictIndices,
        explain: () => {
          throw new TreeShapError('tree 3 node 0: cover (weighted_n_node_samples) 0 must be > 0')
        },
      } as PredictionModel)
      const bad = await post('/explain', { input: [SETOSA] })
      expect(bad.statusCode).toBe(501)
      expect(bad.json().error).toMatch(/cannot explain its predictions: tree 3 node 0: cover/)
      holder.swap(null)
      expect((await post('/explain', { input: [SETOSA] })).statusCode).toBe(503)
    } finally {
      holder.swap(base)
    }
  })
})

describe('POST /explain cost cap (EXPLAIN_MAX_ROWS) and slices', () => {
  it('413 above EXPLAIN_MAX_ROWS before reading any row, 200 at the limit', async () => {
    const capped = await buildTestApp({ EXPLAIN_MAX_ROWS: '50', MAX_BATCH_ROWS: '1000' })
    try {
      const over = await postTo(capped, '/explain', {
        input: Array.from({ length: 51 }, () => ['not a number']),
      })
      expect(over.statusCode).toBe(413)
      expect(over.json()).toEqual({
        error: 'input has 51 rows; at most 50 rows are explained per request (EXPLAIN_MAX_ROWS)',
      })
      expect(over.headers['x-request-id']).toBeTruthy()
      const at = await postTo(capped, '/explain', { input: Array.from({ length: 50 }, () => SETOSA) })
      expect(at.statusCode).toBe(200)
      expect(at.json().explanations).toHaveLength(50)
      // /predict-proba keeps MAX_BATCH_ROWS.
      const proba = await postTo(capped, '/predict-proba', {
        input: Array.from({ length: 51 }, () => SETOSA),
      })
      expect(proba.statusCode).toBe(200)
      const line = requestLines(capped.logs).find(
        (l) => (l.request_metrics as Record<string, unknown>).status_code === 413,
      )
      expect((line!.request_metrics as Record<string, unknown>).error).toMatch(/EXPLAIN_MAX_ROWS/)
    } finally {
      await capped.app.close()
    }
  })

  it('the default cap is a few hundred rows', () => {
    expect(t.config.EXPLAIN_MAX_ROWS).toBe(500)
  })

  it('explaining in slices gives exactly the numbers of one call, for any slice size', async () => {
    const rows = Array.from({ length: 77 }, (_, i) => [
      4 + (i % 40) / 10,
      2 + (i % 13) / 10,
      1 + (i % 59) / 10,
      (i % 25) / 10,
    ])
    const flat = Float64Array.from(rows.flat())
    const whole = model.explain!(flat, rows.length)
    for (const slice of [1, 7, 32, 77, 200]) {
      const sliced = await explainInSlices(
        model.explain!,
        flat,
        rows.length,
        model.nFeatures,
        model.nClasses,
        slice,
      )
      expect(Array.from(sliced.contributions)).toEqual(Array.from(whole.contributions))
      expect(Array.from(sliced.expectedValue)).toEqual(Array.from(whole.expectedValue))
    }
  })

  it('answers /health/live over HTTP while a large explanation is still running', async () => {
    // Same process for client and server: before slices, the whole explanation ran in one turn of the event
    // loop, so a probe sent once explaining had begun was answered only after the explanation.
    const big = await buildTestApp({ EXPLAIN_MAX_ROWS: '4000', BODY_LIMIT: '1048576' })
    const base = big.models.current!
    await big.app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = big.app.server.address() as AddressInfo
    const order: string[] = []
    let probe: Promise<void> | undefined
    big.models.swap(
      Object.freeze({
        ...base,
        explain: (rows: Float64Array, n: number) => {
          probe ??= fetch(`http://127.0.0.1:${port}/health/live`)
            .then((r) => r.text())
            .then(() => void order.push('health'))
          return base.explain!(rows, n)
        },
      }),
    )
    try {
      const input = Array.from({ length: 4000 }, (_, i) => [VERSICOLOR, VIRGINICA, SETOSA][i % 3]!)
      const res = await fetch(`http://127.0.0.1:${port}/explain`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ input }),
      })
      const body = (await res.json()) as { explanations: unknown[] }
      order.push('explain')
      await probe
      expect(res.status).toBe(200)
      expect(body.explanations).toHaveLength(4000)
      expect(order).toEqual(['health', 'explain'])
    } finally {
      await big.app.close()
    }
  })
})
