/**
 * The seed's contract for POST /predict and POST /predict-proba, case by case, through app.inject.
 * Expected answers come from the model itself (predictProba / predictIndices), never hard-coded.
 */

import type { InjectOptions } from 'light-my-request'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PredictionModel } from '../../src/model/types.js'
import {
  buildTestApp,
  injectServer,
  requestLines,
  SETOSA,
  type TestApp,
  VERSICOLOR,
  VIRGINICA,
} from './helper.js'

let t: TestApp
let model: PredictionModel
beforeAll(async () => {
  t = await buildTestApp({ BODY_LIMIT: '65536', MAX_BATCH_ROWS: '500' })
  model = t.models.current as PredictionModel
})
afterAll(() => t.app.close())

/**
 * The contract is checked both ways a request can be answered: by Fastify (app.inject) and by the HTTP
 * server's handler as a listening server runs it (the fast lane takes the plain JSON predictions first).
 */
const WAYS = [
  ['Fastify (app.inject)', (o: InjectOptions) => t.app.inject(o)],
  ['the server handler (fast lane first)', (o: InjectOptions) => injectServer(t.app, o)],
] as const

function expected(rows: number[][]): { labels: string[]; proba: number[][] } {
  const flat = Float64Array.from(rows.flat())
  const p = model.predictProba(flat, rows.length)
  const idx = model.predictIndices(flat, rows.length)
  return {
    labels: Array.from(idx, (i) => model.classes[i] as string),
    proba: rows.map((_, r) => Array.from(p.subarray(r * model.nClasses, (r + 1) * model.nClasses))),
  }
}

describe.each(WAYS)('through %s', (_way, inject) => {
  const post = (
    url: string,
    payload: unknown,
    headers: Record<string, string> = { 'content-type': 'application/json' },
  ) =>
    inject({
      method: 'POST',
      url,
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      headers,
    })

  describe.each(['/predict', '/predict-proba'])('POST %s', (url) => {
    const withProba = url === '/predict-proba'

    function expectPrediction(res: Awaited<ReturnType<typeof post>>, rows: number[][]) {
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toMatch(/^application\/json/)
      const body = res.json()
      const want = expected(rows)
      expect(body.prediction).toEqual(want.labels)
      if (withProba) {
        expect(body.probabilities).toEqual(want.proba)
        for (const p of body.probabilities)
          expect(p.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 9)
        expect(Object.keys(body)).toEqual(['prediction', 'probabilities'])
      } else {
        expect(Object.keys(body)).toEqual(['prediction'])
      }
    }

    function expectError(res: Awaited<ReturnType<typeof post>>, status: number, message: RegExp) {
      expect(res.statusCode).toBe(status)
      expect(res.headers['content-type']).toMatch(/^application\/json/)
      const body = res.json()
      expect(Object.keys(body)).toEqual(['error'])
      expect(body.error).toMatch(message)
    }

    it('predicts a single row (setosa)', async () => {
      const res = await post(url, { input: [SETOSA] })
      expectPrediction(res, [SETOSA])
      expect(res.json().prediction).toEqual(['setosa'])
    })

    it('predicts a 3-row batch, one per species, in input order', async () => {
      const rows = [SETOSA, VERSICOLOR, VIRGINICA]
      const res = await post(url, { input: rows })
      expectPrediction(res, rows)
      expect(res.json().prediction).toEqual(['setosa', 'versicolor', 'virginica'])
    })

    it('predicts zeros, 100s and negatives (valid numbers, odd flowers)', async () => {
      const rows = [
        [0, 0, 0, 0],
        [100, 100, 100, 100],
        [-1, -2.5, -3, -0.1],
      ]
      expectPrediction(await post(url, { input: rows }), rows)
    })

    it('predicts a 100-row random batch', async () => {
      const rows = Array.from({ length: 100 }, (_, i) => [
        4 + ((i * 37) % 40) / 10,
        2 + ((i * 11) % 25) / 10,
        1 + ((i * 7) % 60) / 10,
        0.1 + ((i * 13) % 25) / 10,
      ])
      const res = await post(url, { input: rows })
      expectPrediction(res, rows)
      expect(res.json().prediction).toHaveLength(100)
    })

    it('accepts integers, exponents and -0', async () => {
      const rows = [
        [5, 3, 1, 0],
        [5.1, 35e-1, 0.14e1, -0],
      ]
      expectPrediction(await post(url, '{"input":[[5,3,1,0],[5.1e0,35e-1,0.14e1,-0]]}'), rows)
    })

    it('parses the body as JSON whatever the Content-Type, or with none (curl -d)', async () => {
      for (const headers of [
        { 'content-type': 'text/plain' },
        { 'content-type': 'application/x-www-form-urlencoded' },
        {},
      ] as Record<string, string>[]) {
        expectPrediction(await post(url, { input: [SETOSA] }, headers), [SETOSA])
      }
      const noType = await inject({
        method: 'POST',
        url,
        body: Buffer.from(JSON.stringify({ input: [SETOSA] })),
      })
      expectPrediction(noType, [SETOSA])
    })

    it('ignores unknown keys next to input', async () => {
      expectPrediction(await post(url, { input: [SETOSA], extra: { a: 1 }, __proto__x: 1 }), [SETOSA])
    })

    it('400: body is not valid JSON', async () => {
      expectError(await post(url, '{"input": [[5.1, 3.5'), 400, /not valid JSON/)
      expectError(await post(url, ''), 400, /not valid JSON/)
      expectError(await post(url, 'input=1'), 400, /not valid JSON/)
    })

    it('400: body is JSON but not an object', async () => {
      expectError(await post(url, '[[5.1, 3.5, 1.4, 0.2]]'), 400, /must be a JSON object.*got list/)
      expectError(await post(url, '"text"'), 400, /got string/)
      expectError(await post(url, 'null'), 400, /got null/)
      expectError(await post(url, '42'), 400, /got number/)
    })

    it('422: input missing', async () => {
      expectError(await post(url, {}), 422, /input is required/)
      expectError(await post(url, { data: [SETOSA] }), 422, /input is required/)
    })

    it('422: input empty', async () => {
      expectError(await post(url, { input: [] }), 422, /at least one row/)
    })

    it('400: input is "not a list" (or any non-list)', async () => {
      expectError(await post(url, { input: 'not a list' }), 400, /input must be a list of rows, got string/)
      expectError(await post(url, { input: { a: 1 } }), 400, /got object/)
      expectError(await post(url, { input: null }), 400, /got null/)
      expectError(await post(url, { input: 5 }), 400, /got number/)
    })

    it('400: a row that is not a list', async () => {
      expectError(
        await post(url, { input: [SETOSA, 5.1] }),
        400,
        /^input\[1\] must be a list of 4 numbers, got number$/,
      )
      expectError(await post(url, { input: [SETOSA, SETOSA, { a: 1 }] }), 400, /^input\[2\] .*got object$/)
      expectError(await post(url, { input: [5.1, 3.5, 1.4, 0.2] }), 400, /^input\[0\]/)
    })

    it('422: a row with 3 (or 5) features', async () => {
      expectError(
        await post(url, { input: [[5.1, 3.5, 1.4]] }),
        422,
        /^input\[0\] has 3 values; the model expects 4$/,
      )
      expectError(await post(url, { input: [SETOSA, [1, 2, 3, 4, 5]] }), 422, /^input\[1\] has 5 values/)
      expectError(await post(url, { input: [[]] }), 422, /^input\[0\] has 0 values/)
    })

    it('415: ["a","b","c","d"] and other non-numbers, naming the position', async () => {
      expectError(
        await post(url, { input: [['a', 'b', 'c', 'd']] }),
        415,
        /^input\[0\]\[0\] must be a number, got string$/,
      )
      expectError(
        await post(url, { input: [SETOSA, SETOSA, SETOSA, [1, '2', 3, 4]] }),
        415,
        /^input\[3\]\[1\] must be a number, got string$/,
      )
      expectError(await post(url, { input: [[1, 2, null, 4]] }), 415, /^input\[0\]\[2\] .*got null$/)
      expectError(await post(url, { input: [[1, 2, 3, true]] }), 415, /^input\[0\]\[3\] .*got boolean$/)
      expectError(await post(url, { input: [[1, [2], 3, 4]] }), 415, /^input\[0\]\[1\] .*got list$/)
      expectError(await post(url, { input: [[1, { v: 2 }, 3, 4]] }), 415, /^input\[0\]\[1\] .*got object$/)
    })

    it('422: a number that is not finite (1e400 parses to Infinity)', async () => {
      expectError(
        await post(url, '{"input": [[5.1, 1e400, 1.4, 0.2]]}'),
        422,
        /^input\[0\]\[1\] must be a finite number, got Infinity/,
      )
      expectError(
        await post(url, '{"input": [[5.1, 3.5, -1e400, 0.2]]}'),
        422,
        /^input\[0\]\[2\] .*-Infinity/,
      )
    })

    it('the first fault in input order wins', async () => {
      expectError(await post(url, { input: [SETOSA, [1, 2, 3], ['a', 1, 2, 3]] }), 422, /^input\[1\]/)
      expectError(await post(url, { input: [SETOSA, ['a', 1, 2, 3], [1, 2, 3]] }), 415, /^input\[1\]\[0\]/)
    })

    it('413: body larger than BODY_LIMIT', async () => {
      const rows = Array.from({ length: 4000 }, () => SETOSA)
      expectError(await post(url, { input: rows }), 413, /larger than 65536 bytes \(BODY_LIMIT\)/)
    })

    it('413: more rows than MAX_BATCH_ROWS', async () => {
      const rows = Array.from({ length: 501 }, () => [1, 2, 3, 4])
      expectError(await post(url, { input: rows }), 413, /501 rows; at most 500 .*MAX_BATCH_ROWS/)
      expectPrediction(await post(url, { input: rows.slice(1) }), rows.slice(1))
    })

    it('405 with Allow for other methods', async () => {
      for (const method of ['GET', 'PUT', 'DELETE', 'PATCH'] as const) {
        const res = await inject({ method, url })
        expect(res.statusCode).toBe(405)
        expect(res.headers.allow).toBe('POST')
        expect(res.json().error).toMatch(`method ${method} is not allowed on ${url}`)
      }
    })

    it('logs every fault once at error level, with the message', async () => {
      const before = requestLines(t.logs).length
      await post(
        url,
        { input: [['a', 1, 2, 3]] },
        { 'content-type': 'application/json', 'x-request-id': `bad-row-${url.length}` },
      )
      const lines = requestLines(t.logs).slice(before)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatchObject({
        level: 'ERROR',
        request_metrics: {
          endpoint: url,
          method: 'POST',
          status_code: 415,
          request_id: `bad-row-${url.length}`,
          error: 'input[0][0] must be a number, got string',
        },
      })
    })
  })
})

describe('503 before a model is loaded', () => {
  it('answers 503 on both routes and /health/ready, 200 on /health and /health/live', async () => {
    const empty = await buildTestApp({}, { withModel: false })
    try {
      for (const url of ['/predict', '/predict-proba']) {
        for (const res of [
          await empty.app.inject({ method: 'POST', url, payload: { input: [SETOSA] } }),
          await injectServer(empty.app, { method: 'POST', url, payload: { input: [SETOSA] } }),
        ]) {
          expect(res.statusCode).toBe(503)
          expect(res.json().error).toMatch(/not loaded/)
        }
      }
      expect((await empty.app.inject('/health/ready')).statusCode).toBe(503)
      expect((await empty.app.inject('/model')).statusCode).toBe(503)
      expect((await empty.app.inject('/health')).statusCode).toBe(200)
      expect((await empty.app.inject('/health/live')).statusCode).toBe(200)
      empty.models.swap(await (await import('./helper.js')).testModel())
      expect((await empty.app.inject('/health/ready')).statusCode).toBe(200)
      const res = await empty.app.inject({ method: 'POST', url: '/predict', payload: { input: [SETOSA] } })
      expect(res.json()).toEqual({ prediction: ['setosa'] })
    } finally {
      await empty.app.close()
    }
  })
})
