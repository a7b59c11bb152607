/**
 * Everything around the predict routes: health, request ids, the log line, LOG_LEVEL, 404/405/500,
 * /model, /metrics (checked by promtool), /openapi.json, /docs and the static UI.
 */
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ModelSlot } from '../../src/model/model-slot.js'
import type { PredictionModel } from '../../src/model/types.js'
import { buildTestApp, requestLines, SETOSA, type TestApp } from './helper.js'

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
})
afterAll(() => t.app.close())

describe('health', () => {
  it('GET /health has the seed fields', async () => {
    const res = await t.app.inject('/health')
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toEqual({ status: 'healthy', timestamp: expect.any(String), service: 'iris-prediction-api' })
    expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp)
    expect(Math.abs(Date.parse(body.timestamp) - Date.now())).toBeLessThan(60_000)
  })

  it('GET /health/live and /health/ready', async () => {
    expect((await t.app.inject('/health/live')).json()).toEqual({ status: 'alive' })
    const model = t.models.current as PredictionModel
    expect((await t.app.inject('/health/ready')).json()).toEqual({
      status: 'ready',
      model: model.name,
      model_version: model.version,
    })
  })
})

describe('X-Request-ID', () => {
  it('echoes a sane id and logs it', async () => {
    const id = 'abc.DEF_123-xyz'
    const res = await t.app.inject({
      method: 'POST',
      url: '/predict',
      payload: { input: [SETOSA] },
      headers: { 'x-request-id': id },
    })
    expect(res.headers['x-request-id']).toBe(id)
    const line = requestLines(t.logs).find(
      (l) => (l.request_metrics as { request_id: string }).request_id === id,
    )
    expect(line).toBeDefined()
  })

  it('replaces an over-long or odd id with a fresh UUID, on success and error paths', async () => {
    for (const bad of ['x'.repeat(129), 'has space', 'semi;colon', 'ünïcode', '']) {
      for (const req of [
        { method: 'POST' as const, url: '/predict', payload: { input: [SETOSA] } },
        { method: 'POST' as const, url: '/predict', payload: { input: 'x' } },
        { method: 'GET' as const, url: '/nowhere' },
      ]) {
        const res = await t.app.inject({ ...req, headers: { 'x-request-id': bad } })
        expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
      }
    }
    expect(
      (await t.app.inject({ url: '/health', headers: { 'x-request-id': 'y'.repeat(128) } })).headers[
        'x-request-id'
      ],
    ).toBe('y'.repeat(128))
  })

  it('gives every request a different generated id', async () => {
    const ids = new Set<string>()
    for (let i = 0; i < 20; i++) ids.add(String((await t.app.inject('/health/live')).headers['x-request-id']))
    expect(ids.size).toBe(20)
  })
})

describe('request log', () => {
  it('writes exactly one line per request in the seed format', async () => {
    const before = t.logs.length
    const res = await t.app.inject({
      method: 'POST',
      url: '/predict',
      payload: { input: [SETOSA] },
      headers: { 'x-request-id': 'log-shape-1' },
    })
    const lines = t.logs.slice(before)
    expect(lines).toHaveLength(1)
    const line = lines[0] as Record<string, unknown>
    expect(Object.keys(line).sort()).toEqual(['level', 'message', 'request_metrics', 'timestamp'])
    expect(line.level).toBe('INFO')
    expect(line.message).toBe('Request completed')
    expect(new Date(line.timestamp as string).toISOString()).toBe(line.timestamp)
    const m = line.request_metrics as Record<string, unknown>
    expect(Object.keys(m).sort()).toEqual([
      'endpoint',
      'error',
      'latency_ms',
      'method',
      'model_version',
      'request_id',
      'status_code',
    ])
    expect(m).toMatchObject({
      endpoint: '/predict',
      method: 'POST',
      status_code: 200,
      request_id: 'log-shape-1',
      error: null,
      // The seed's fields plus the version that answered.
      model_version: t.models.current?.version,
    })
    expect(m.latency_ms).toBeGreaterThanOrEqual(0)
    expect(res.statusCode).toBe(200)
  })

  it('logs 404s with the path (not the query) at error level', async () => {
    const before = t.logs.length
    await t.app.inject('/no/such/thing?secret=1')
    const [line] = t.logs.slice(before) as { level: string; request_metrics: Record<string, unknown> }[]
    expect(line?.level).toBe('ERROR')
    expect(line?.request_metrics).toMatchObject({
      endpoint: '/no/such/thing',
      status_code: 404,
      method: 'GET',
    })
  })

  it('honours LOG_LEVEL: at warn, successes are silent and client errors still logged', async () => {
    const quiet = await buildTestApp({ LOG_LEVEL: 'WARN' })
    try {
      await quiet.app.inject({ method: 'POST', url: '/predict', payload: { input: [SETOSA] } })
      expect(quiet.logs).toHaveLength(0)
      await quiet.app.inject({ method: 'POST', url: '/predict', payload: { input: [] } })
      expect(
        requestLines(quiet.logs).map((l) => (l.request_metrics as { status_code: number }).status_code),
      ).toEqual([422])
    } finally {
      await quiet.app.close()
    }
  })
})

describe('unexpected faults', () => {
  it('answer 500 with a generic message; the cause and stack go to the log only', async () => {
    const real = t.models.current as PredictionModel
    const broken: PredictionModel = Object.create(real, {
      predictIndices: {
        value: () => {
          throw new Error('secret internal detail /etc/passwd')
        },
      },
    })
    const b = await buildTestApp()
    b.models.swap(broken)
    try {
      const res = await b.app.inject({
        method: 'POST',
        url: '/predict',
        payload: { input: [SETOSA] },
        headers: { 'x-request-id': 'boom-1' },
      })
      expect(res.statusCode).toBe(500)
      expect(res.json()).toEqual({ error: 'Internal server error' })
      expect(res.body).not.toContain('secret')
      expect(res.headers['x-request-id']).toBe('boom-1')
      const line = requestLines(b.logs).find(
        (l) => (l.request_metrics as { request_id: string }).request_id === 'boom-1',
      ) as {
        level: string
        request_metrics: { status_code: number }
        err: { message: string; stack: string }
      }
      expect(line.level).toBe('ERROR')
      expect(line.request_metrics.status_code).toBe(500)
      expect(line.err.message).toContain('secret internal detail')
      expect(line.err.stack).toContain('Error: secret internal detail')
      // the app keeps serving
      b.models.swap(real)
      expect(
        (await b.app.inject({ method: 'POST', url: '/predict', payload: { input: [SETOSA] } })).statusCode,
      ).toBe(200)
    } finally {
      await b.app.close()
    }
  })
})

describe('routing errors', () => {
  it('404 for unknown routes, as JSON', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/predictions', payload: {} })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toEqual({ error: 'no route for POST /predictions' })
  })

  it('405 + Allow for known paths with another method', async () => {
    for (const [method, url, allow] of [
      ['POST', '/health', 'GET, HEAD'],
      ['DELETE', '/model', 'GET, HEAD'],
      ['POST', '/metrics', 'GET, HEAD'],
      ['PUT', '/predict-proba?x=1', 'POST'],
    ] as const) {
      const res = await t.app.inject({ method, url })
      expect(res.statusCode, `${method} ${url}`).toBe(405)
      expect(res.headers.allow).toBe(allow)
      expect(Object.keys(res.json())).toEqual(['error'])
    }
  })
})

describe('GET /model', () => {
  it("returns the model's metadata", async () => {
    const model = t.models.current as PredictionModel
    const body = (await t.app.inject('/model')).json()
    expect(body.name).toBe(model.name)
    expect(body.version).toBe(model.version)
    expect(body.model_version).toBe(model.version)
    expect(body.feature_names).toEqual(model.featureNames)
    expect(body.target_names).toEqual(model.classes)
    expect(body.hyperparameters).toEqual(model.metadata.hyperparameters)
    expect(Object.keys(body.feature_importance)).toEqual(model.featureNames)
    expect(body).toHaveProperty('created_at')
    expect(body).toHaveProperty('data_sha256')
    expect(body).toHaveProperty('metrics')
  })
})

describe('GET /metrics', () => {
  it('exposes request, prediction, input and model series, and passes promtool', async () => {
    const m = await buildTestApp()
    try {
      const rows = [SETOSA, [6.0, 2.7, 4.2, 1.3], [6.2, 3.4, 5.4, 2.3]]
      await m.app.inject({ method: 'POST', url: '/predict', payload: { input: rows } })
      await m.app.inject({ method: 'POST', url: '/predict-proba', payload: { input: [SETOSA] } })
      await m.app.inject({ method: 'POST', url: '/predict', payload: { input: [] } })
      const res = await m.app.inject('/metrics')
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
      const text = res.body
      const model = m.models.current as PredictionModel
      const labels = Array.from(
        model.predictIndices(Float64Array.from(rows.flat()), 3),
        (i) => model.classes[i],
      )
      const setosaCount = labels.filter((l) => l === 'setosa').length + 1
      expect(text).toContain(
        `iris_predictions_total{class="setosa",version="${model.version}"} ${setosaCount}`,
      )
      expect(text).toContain(
        'http_request_duration_seconds_count{route="/predict",method="POST",status_code="200"} 1',
      )
      expect(text).toContain(
        'http_request_duration_seconds_count{route="/predict",method="POST",status_code="422"} 1',
      )
      expect(text).toContain(
        'http_request_duration_seconds_count{route="/predict-proba",method="POST",status_code="200"} 1',
      )
      expect(text).toContain('iris_prediction_rows_sum{route="/predict"} 3')
      expect(text).toContain(`iris_input_feature_value_count{feature="${model.featureNames[0]}"} 4`)
      expect(text).toContain(`iris_input_feature_value_bucket{feature="${model.featureNames[2]}",le="1.5"} 2`)
      expect(text).toMatch(
        new RegExp(`iris_model_info\\{name="${model.name}",version="${model.version}"\\} 1`),
      )
      expect(text).toMatch(/^http_requests_in_flight 1$/m) // the scrape itself
      expect(text).toContain('process_resident_memory_bytes')
      expect(text).toContain('nodejs_eventloop_lag_seconds')
      promtoolCheck(text)
    } finally {
      await m.app.close()
    }
  })

  it('returns to zero requests in flight after errors of every kind', async () => {
    const m = await buildTestApp({ BODY_LIMIT: '100' })
    try {
      await m.app.inject({ method: 'POST', url: '/predict', payload: '{bad' })
      await m.app.inject({ method: 'POST', url: '/predict', payload: { input: Array(50).fill(SETOSA) } })
      await m.app.inject('/nowhere')
      await m.app.inject({ method: 'GET', url: '/predict' })
      await m.app.inject('/docs')
      await m.app.inject('/')
      expect((await m.app.inject('/metrics')).body).toMatch(/^http_requests_in_flight 1$/m)
    } finally {
      await m.app.close()
    }
  })
})

function promtoolCheck(text: string): void {
  const probe = spawnSync('promtool', ['--version'])
  if (probe.error) {
    if (process.env.CI === 'true')
      throw new Error('promtool is not on PATH (Debian package prometheus); required under CI')
    console.warn('promtool not found: skipping `promtool check metrics`')
    return
  }
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })
  expect(`${r.stdout}${r.stderr}`.trim()).toBe('')
  expect(r.status).toBe(0)
}

describe('OpenAPI and docs', () => {
  it('GET /openapi.json documents every route from the TypeBox schemas, with examples', async () => {
    const res = await t.app.inject('/openapi.json')
    expect(res.statusCode).toBe(200)
    const doc = res.json()
    expect(doc.openapi).toBe('3.0.3')
    expect(doc.info.title).toMatch(/Iris/)
    for (const p of [
      '/health',
      '/health/live',
      '/health/ready',
      '/predict',
      '/predict-proba',
      '/model',
      '/metrics',
    ]) {
      expect(doc.paths, p).toHaveProperty([p])
    }
    const predict = doc.paths['/predict'].post
    const body = predict.requestBody.content['application/json']
    expect(body.schema.properties.input.type).toBe('array')
    expect(body.schema.required).toEqual(['input'])
    expect(JSON.stringify(body)).toContain('5.1')
    expect(Object.keys(predict.responses).sort()).toEqual(['200', '400', '413', '415', '422', '500', '503'])
    expect(
      doc.paths['/predict-proba'].post.responses['200'].content['application/json'].schema.properties,
    ).toHaveProperty('probabilities')
    expect(doc.paths).not.toHaveProperty(['/openapi.json'])
    // every $ref resolves
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1] as string)
    for (const ref of refs)
      expect(
        ref
          .split('/')
          .reduce(
            (o: Record<string, unknown> | undefined, k) => o?.[k] as Record<string, unknown> | undefined,
            doc,
          ),
        ref,
      ).toBeDefined()
  })

  it('the documented request examples are accepted by /predict', async () => {
    const doc = (await t.app.inject('/openapi.json')).json()
    const media = doc.paths['/predict'].post.requestBody.content['application/json']
    const examples = [
      media.example,
      ...Object.values(media.examples ?? {}).map((e) => (e as { value: unknown }).value),
    ].filter(Boolean)
    expect(examples.length).toBeGreaterThan(0)
    for (const ex of examples)
      expect((await t.app.inject({ method: 'POST', url: '/predict', payload: ex })).statusCode).toBe(200)
  })

  it('GET /docs serves Swagger UI, with a request id', async () => {
    const res = await t.app.inject('/docs')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/text\/html/)
    expect(res.body).toContain('Swagger UI')
    expect(res.headers['x-request-id']).toBeDefined()
    const init = await t.app.inject('/docs/static/swagger-initializer.js')
    expect(init.statusCode).toBe(200)
  })
})

describe('static UI', () => {
  it('serves WEB_ROOT at / when it exists; unknown files are 404 JSON', async () => {
    const res = await t.app.inject('/')
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('<title>Iris</title>')
    const asset = await t.app.inject('/assets/app.js')
    expect(asset.statusCode).toBe(200)
    expect(asset.headers['cache-control']).toContain('immutable')
    const missing = await t.app.inject('/assets/nope.js')
    expect(missing.statusCode).toBe(404)
    expect(Object.keys(missing.json())).toEqual(['error'])
  })

  it('serves no / when WEB_ROOT does not exist', async () => {
    const bare = await buildTestApp({ WEB_ROOT: 'test/api/fixtures/no-such-dir' })
    try {
      expect((await bare.app.inject('/')).statusCode).toBe(404)
    } finally {
      await bare.app.close()
    }
  })
})

describe('ModelSlot', () => {
  it('swaps atomically and tells listeners', () => {
    const h = new ModelSlot()
    const seen: unknown[] = []
    h.onSwap((m) => seen.push(m))
    const m = t.models.current
    expect(h.swap(m)).toBeNull()
    expect(h.current).toBe(m)
    expect(h.swap(null)).toBe(m)
    expect(seen).toEqual([m, null])
  })
})
