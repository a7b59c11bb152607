/**
 * The Open Inference Protocol (V2) REST routes: the protocol's own examples adapted to this model, then
 * every client mistake (400/404/413, never 5xx), logging, request ids, metrics and the OpenAPI document.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PredictionModel } from '../../src/model/types.js'
import { buildTestApp, requestLines, type TestApp } from './helper.js'

const ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [6.3, 3.3, 6.0, 2.5],
]
const FLAT = ROWS.flat()

let t: TestApp
let model: PredictionModel
let infer: string

beforeAll(async () => {
  t = await buildTestApp({ MAX_BATCH_ROWS: '1000' })
  model = t.models.current!
  infer = `/v2/models/${model.name}/infer`
})
afterAll(async () => {
  await t.app.close()
})

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload: payload as object, headers })
const get = (url: string) => t.app.inject({ method: 'GET', url })
const tensor = (over: Record<string, unknown> = {}) => ({
  name: 'input-0',
  shape: [2, 4],
  datatype: 'FP64',
  data: FLAT,
  ...over,
})

/** What the model itself says for these rows. */
function expected(rows: number[][]) {
  const flat = Float64Array.from(rows.flat())
  const proba = model.predictProba(flat, rows.length)
  const labels = Array.from(model.predictIndices(flat, rows.length), (i) => model.classes[i]!)
  return { proba: Array.from(proba), labels }
}

describe('server and model metadata, health', () => {
  it('GET /v2 describes the server', async () => {
    const res = await get('/v2')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      name: 'iris-prediction-service',
      version: expect.any(String),
      extensions: [],
    })
    expect(res.headers['x-request-id']).toBeTruthy()
  })

  it('live and ready answer 200 with a model, ready answers 503 without one', async () => {
    expect((await get('/v2/health/live')).json()).toEqual({ live: true })
    const ready = await get('/v2/health/ready')
    expect([ready.statusCode, ready.json()]).toEqual([200, { ready: true }])
    const empty = await buildTestApp({}, { withModel: false })
    try {
      const res = await empty.app.inject({ method: 'GET', url: '/v2/health/ready' })
      expect(res.statusCode).toBe(503)
      expect(Object.keys(res.json())).toEqual(['error'])
      expect((await empty.app.inject({ method: 'GET', url: '/v2/health/live' })).statusCode).toBe(200)
      const inferEmpty = await empty.app.inject({
        method: 'POST',
        url: '/v2/models/iris_model/infer',
        payload: { inputs: [tensor()] },
      })
      expect(inferEmpty.statusCode).toBe(503)
    } finally {
      await empty.app.close()
    }
  })

  it('GET /v2/models/{name} and /versions/{v} give name, versions, platform, inputs and outputs', async () => {
    const body = {
      name: model.name,
      versions: [model.version],
      platform: 'iris-forest',
      inputs: [
        {
          name: 'input-0',
          datatype: 'FP64',
          shape: [-1, 4],
          parameters: { feature_names: [...model.featureNames] },
        },
      ],
      outputs: [
        { name: 'predict', datatype: 'BYTES', shape: [-1], parameters: { classes: [...model.classes] } },
        {
          name: 'predict_proba',
          datatype: 'FP64',
          shape: [-1, 3],
          parameters: { classes: [...model.classes] },
        },
      ],
    }
    for (const url of [`/v2/models/${model.name}`, `/v2/models/${model.name}/versions/${model.version}`]) {
      const res = await get(url)
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual(body)
    }
  })

  it('model ready, with and without the version', async () => {
    for (const url of [
      `/v2/models/${model.name}/ready`,
      `/v2/models/${model.name}/versions/${model.version}/ready`,
    ]) {
      const res = await get(url)
      expect([res.statusCode, res.json()]).toEqual([200, { name: model.name, ready: true }])
    }
  })
})

describe('inference', () => {
  it('the protocol example: FP32 flat data, predict_proba, id echoed', async () => {
    const res = await post(infer, {
      id: '42',
      inputs: [{ name: 'input-0', shape: [2, 4], datatype: 'FP32', data: FLAT }],
      outputs: [{ name: 'predict_proba' }],
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/application\/json/)
    const body = res.json()
    expect(body).toEqual({
      model_name: model.name,
      model_version: model.version,
      id: '42',
      outputs: [{ name: 'predict_proba', datatype: 'FP64', shape: [2, 3], data: expected(ROWS).proba }],
    })
  })

  it('defaults to predict (BYTES labels) and accepts nested data', async () => {
    const res = await post(infer, { inputs: [tensor({ data: ROWS })] })
    expect(res.statusCode).toBe(200)
    expect(res.json().outputs).toEqual([
      { name: 'predict', datatype: 'BYTES', shape: [2], data: expected(ROWS).labels },
    ])
  })

  it('returns both outputs in the order asked, under the /versions/{v} path too', async () => {
    const url = `/v2/models/${model.name}/versions/${model.version}/infer`
    const res = await post(url, {
      inputs: [tensor()],
      outputs: [{ name: 'predict_proba' }, { name: 'predict', parameters: {} }],
    })
    expect(res.statusCode).toBe(200)
    const { proba, labels } = expected(ROWS)
    expect(res.json().outputs).toEqual([
      { name: 'predict_proba', datatype: 'FP64', shape: [2, 3], data: proba },
      { name: 'predict', datatype: 'BYTES', shape: [2], data: labels },
    ])
  })

  it.each([
    ['INT32', [[5, 3, 1, 0]]],
    ['INT64', [[7, 3, 6, 2]]],
    ['UINT8', [[6, 3, 4, 1]]],
    ['INT8', [[-1, 0, 127, -128]]],
    ['UINT64', [[0, 1, 2, 3]]],
  ])('takes %s tensors', async (datatype, rows) => {
    const res = await post(infer, { inputs: [tensor({ datatype, shape: [1, 4], data: rows })] })
    expect(res.statusCode).toBe(200)
    expect(res.json().outputs[0].data).toEqual(expected(rows).labels)
  })

  it('rounds FP32 data to float32, as the client meant it', async () => {
    // 2.45 is not a float32; its float32 rounding is 2.4500000476837158. With FP64 the model also rounds
    // before comparing (scikit-learn semantics), so both must give the model's answer for fround(x).
    const rows = [[5.8, 2.7, 2.45, 0.8]]
    const rounded = [rows[0]!.map(Math.fround)]
    for (const datatype of ['FP32', 'FP64']) {
      const res = await post(infer, {
        inputs: [tensor({ datatype, shape: [1, 4], data: rows })],
        outputs: [{ name: 'predict_proba' }],
      })
      expect(res.json().outputs[0].data).toEqual(expected(rounded).proba)
    }
  })

  it('uses the X-Request-ID as the reply id when the request has none, and logs the request', async () => {
    const res = await post(infer, { inputs: [tensor()] }, { 'x-request-id': 'v2-trace-1' })
    expect(res.headers['x-request-id']).toBe('v2-trace-1')
    expect(res.json().id).toBe('v2-trace-1')
    const line = requestLines(t.logs).find(
      (l) => (l.request_metrics as { request_id: string }).request_id === 'v2-trace-1',
    )
    expect(line?.request_metrics).toMatchObject({
      endpoint: '/v2/models/:model_name/infer',
      method: 'POST',
      status_code: 200,
      error: null,
    })
  })

  it('counts requests and rows in the metrics by route pattern', async () => {
    await post(infer, { inputs: [tensor()] })
    const text = (await get('/metrics')).body
    expect(text).toMatch(
      /http_request_duration_seconds_count\{route="\/v2\/models\/:model_name\/infer",method="POST",status_code="200"\} [1-9]/,
    )
    expect(text).toMatch(/iris_prediction_rows_count\{route="\/v2\/models\/:model_name\/infer"\} [1-9]/)
  })

  it('is in the OpenAPI document', async () => {
    const doc = (await get('/openapi.json')).json()
    for (const path of [
      '/v2',
      '/v2/health/live',
      '/v2/health/ready',
      '/v2/models/{model_name}',
      '/v2/models/{model_name}/ready',
    ]) {
      expect(doc.paths[path]?.get, path).toBeDefined()
    }
    const post = doc.paths['/v2/models/{model_name}/versions/{model_version}/infer']?.post
    expect(post?.requestBody.content['application/json'].schema.properties.inputs).toBeDefined()
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '413', '503']))
  })
})

describe('client mistakes', () => {
  const cases: [string, unknown, number, RegExp][] = [
    ['a body that is a list', [tensor()], 400, /the body must be a JSON object/],
    ['no inputs', {}, 400, /inputs is missing, expected a list with one tensor/],
    ['no tensors', { inputs: [] }, 400, /inputs has 0 tensors; this model takes exactly one/],
    ['two tensors', { inputs: [tensor(), tensor()] }, 400, /inputs has 2 tensors/],
    [
      'a tensor that is not an object',
      { inputs: [FLAT] },
      400,
      /inputs\[0\] is a list, expected a tensor object/,
    ],
    [
      'a tensor without a name',
      { inputs: [tensor({ name: undefined })] },
      400,
      /inputs\[0\]\.name is missing, expected a string/,
    ],
    [
      'a tensor without a datatype',
      { inputs: [tensor({ datatype: undefined })] },
      400,
      /inputs\[0\]\.datatype is missing/,
    ],
    [
      'BOOL data',
      { inputs: [tensor({ datatype: 'BOOL' })] },
      400,
      /datatype "BOOL" is not supported for model inputs/,
    ],
    [
      'BYTES data',
      { inputs: [tensor({ datatype: 'BYTES' })] },
      400,
      /datatype "BYTES" is not supported .*use one of FP64, FP32, INT8/,
    ],
    ['FP16 data', { inputs: [tensor({ datatype: 'FP16' })] }, 400, /datatype "FP16" is not supported/],
    [
      'an unknown datatype',
      { inputs: [tensor({ datatype: 'float' })] },
      400,
      /datatype "float" is not a tensor datatype/,
    ],
    ['no shape', { inputs: [tensor({ shape: undefined })] }, 400, /inputs\[0\]\.shape is missing/],
    [
      'a shape with -1',
      { inputs: [tensor({ shape: [-1, 4] })] },
      400,
      /shape \[-1,4\] is not a list of non-negative integers/,
    ],
    [
      'a fractional shape',
      { inputs: [tensor({ shape: [2, 4.5] })] },
      400,
      /not a list of non-negative integers \(expected \[N, 4\]\)/,
    ],
    [
      'a 1-D shape',
      { inputs: [tensor({ shape: [8] })] },
      400,
      /shape \[8\] has 1 dimensions, expected \[N, 4\]/,
    ],
    [
      'the wrong feature count',
      { inputs: [tensor({ shape: [2, 3], data: FLAT.slice(0, 6) })] },
      400,
      /shape\[1\] is 3, but the model takes 4 features/,
    ],
    [
      'zero rows',
      { inputs: [tensor({ shape: [0, 4], data: [] })] },
      400,
      /shape\[0\] is 0: send at least one row/,
    ],
    [
      'more rows than MAX_BATCH_ROWS',
      { inputs: [tensor({ shape: [1001, 4], data: [] })] },
      413,
      /shape\[0\] is 1001; at most 1000 rows/,
    ],
    [
      'data shorter than the shape',
      { inputs: [tensor({ data: FLAT.slice(1) })] },
      400,
      /data has 7 values but shape \[2,4\] needs 8/,
    ],
    [
      'data longer than the shape',
      { inputs: [tensor({ shape: [1, 4] })] },
      400,
      /data has 8 values but shape \[1,4\] needs 4/,
    ],
    [
      'nested data with a missing row',
      { inputs: [tensor({ data: [ROWS[0]] })] },
      400,
      /data has 1 rows but shape\[0\] is 2/,
    ],
    [
      'nested data with a short row',
      { inputs: [tensor({ data: [ROWS[0], [1, 2, 3]] })] },
      400,
      /data\[1\] has 3 values but shape\[1\] is 4/,
    ],
    [
      'nested data mixing rows and numbers',
      { inputs: [tensor({ data: [ROWS[0], 5] })] },
      400,
      /data\[1\] is number 5, expected a list of 4 numbers/,
    ],
    [
      'no data',
      { inputs: [tensor({ data: undefined })] },
      400,
      /inputs\[0\]\.data is missing, expected a list of numbers/,
    ],
    [
      'data that is a string',
      { inputs: [tensor({ data: '5.1,3.5' })] },
      400,
      /data is "5.1,3.5", expected a list/,
    ],
    [
      'a string value',
      { inputs: [tensor({ data: [...FLAT.slice(0, 5), '3.3', 6, 2.5] })] },
      400,
      /data\[5\] is "3.3", expected a number/,
    ],
    [
      'a null value',
      { inputs: [tensor({ data: [ROWS[0], [6.3, null, 6, 2.5]] })] },
      400,
      /data\[1\]\[1\] is null, expected a number/,
    ],
    [
      'a boolean value',
      { inputs: [tensor({ data: [true, ...FLAT.slice(1)] })] },
      400,
      /data\[0\] is boolean true/,
    ],
    [
      'a fraction in INT8',
      { inputs: [tensor({ datatype: 'INT8', data: [1.5, 1, 1, 1, 1, 1, 1, 1] })] },
      400,
      /data\[0\] = 1.5 is not an integer \(INT8\)/,
    ],
    [
      '300 in INT8',
      { inputs: [tensor({ datatype: 'INT8', data: [1, 300, 1, 1, 1, 1, 1, 1] })] },
      400,
      /data\[1\] = 300 is out of range for INT8 \[-128, 127\]/,
    ],
    [
      '-1 in UINT8',
      { inputs: [tensor({ datatype: 'UINT8', data: [1, 1, -1, 1, 1, 1, 1, 1] })] },
      400,
      /data\[2\] = -1 is out of range for UINT8/,
    ],
    [
      '1e39 in FP32',
      { inputs: [tensor({ datatype: 'FP32', data: [1e39, ...FLAT.slice(1)] })] },
      400,
      /data\[0\] = 1e\+39 is outside the FP32 range/,
    ],
    [
      'an unknown output',
      { inputs: [tensor()], outputs: [{ name: 'predict_log_proba' }] },
      400,
      /outputs\[0\]\.name "predict_log_proba" is not an output of this model/,
    ],
    [
      'an output asked twice',
      { inputs: [tensor()], outputs: [{ name: 'predict' }, { name: 'predict' }] },
      400,
      /outputs\[1\]\.name "predict" is requested twice/,
    ],
    [
      'outputs that are not a list',
      { inputs: [tensor()], outputs: { name: 'predict' } },
      400,
      /outputs is an object, expected a list/,
    ],
    ['an output without a name', { inputs: [tensor()], outputs: [{}] }, 400, /outputs\[0\]\.name is missing/],
    ['a numeric id', { id: 42, inputs: [tensor()] }, 400, /id must be a string/],
    [
      'parameters that are not an object',
      { parameters: [1], inputs: [tensor()] },
      400,
      /parameters is a list, expected an object/,
    ],
  ]

  it.each(cases)('%s -> %i', async (_what, payload, status, message) => {
    const res = await post(infer, payload)
    expect(res.statusCode).toBe(status)
    const body = res.json()
    expect(Object.keys(body)).toEqual(['error'])
    expect(body.error).toMatch(message)
  })

  it('rejects a value beyond the FP64 range (JSON 1e400) with 400', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: infer,
      headers: { 'content-type': 'application/json' },
      payload: `{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP64","data":[1e400,1,1,1]}]}`,
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatch(/data\[0\] = Infinity is outside the FP64 range/)
  })

  it('rejects a body that is not JSON with 400', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: infer,
      headers: { 'content-type': 'application/json' },
      payload: '{"inputs": [',
    })
    expect(res.statusCode).toBe(400)
    expect(Object.keys(res.json())).toEqual(['error'])
  })

  it('answers 404 for an unknown model or version on every model route', async () => {
    const unknown = [
      ['GET', '/v2/models/iris'],
      ['GET', '/v2/models/iris/ready'],
      ['POST', '/v2/models/iris/infer'],
      ['GET', `/v2/models/${model.name}/versions/0`],
      ['GET', `/v2/models/${model.name}/versions/0/ready`],
      ['POST', `/v2/models/${model.name}/versions/0/infer`],
      ['POST', '/v2/models/iris/versions/0/infer'],
    ] as const
    for (const [method, url] of unknown) {
      const res = await t.app.inject({
        method,
        url,
        payload: method === 'POST' ? { inputs: [tensor()] } : undefined,
      })
      expect(res.statusCode, url).toBe(404)
      expect(res.json().error).toMatch(
        url.includes('/iris/') || url.endsWith('/iris')
          ? /model "iris" is not served here/
          : /has no version "0"/,
      )
    }
  })

  it('logs a client mistake with its status and message', async () => {
    await post(infer, { inputs: [tensor({ datatype: 'BOOL' })] }, { 'x-request-id': 'v2-bad-1' })
    const line = requestLines(t.logs).find(
      (l) => (l.request_metrics as { request_id: string }).request_id === 'v2-bad-1',
    )
    expect(line?.level).toBe('ERROR')
    expect(line?.request_metrics).toMatchObject({ status_code: 400, error: expect.stringMatching(/BOOL/) })
  })

  it('answers 405 for GET on infer', async () => {
    const res = await get(infer)
    expect(res.statusCode).toBe(405)
    expect(res.headers.allow).toBe('POST')
  })

  it('never answers 5xx to any JSON body, however malformed', async () => {
    const mutated = fc.record(
      {
        id: fc.oneof(fc.string(), fc.integer()),
        inputs: fc.oneof(
          fc.constant([tensor()]),
          fc.array(
            fc.record(
              {
                name: fc.oneof(fc.string(), fc.jsonValue()),
                shape: fc.oneof(fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 3 }), fc.jsonValue()),
                datatype: fc.constantFrom('FP32', 'FP64', 'INT8', 'UINT64', 'BOOL', 'BYTES', 'x'),
                data: fc.oneof(
                  fc.array(fc.oneof(fc.double(), fc.integer(), fc.jsonValue()), { maxLength: 12 }),
                  fc.jsonValue(),
                ),
              },
              { requiredKeys: [] },
            ),
            { maxLength: 2 },
          ),
          fc.jsonValue(),
        ),
        outputs: fc.oneof(
          fc.array(fc.record({ name: fc.constantFrom('predict', 'predict_proba', 'x') })),
          fc.jsonValue(),
        ),
      },
      { requiredKeys: [] },
    )
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, fc.jsonValue()), async (body) => {
        const res = await t.app.inject({
          method: 'POST',
          url: infer,
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify(body) ?? 'null',
        })
        expect(res.statusCode).toBeLessThan(500)
        if (res.statusCode !== 200) expect(Object.keys(res.json())).toEqual(['error'])
      }),
      { numRuns: 300 },
    )
  })
})
