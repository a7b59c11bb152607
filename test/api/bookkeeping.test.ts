/**
 * Per-request bookkeeping of the routes that are not hot (src/api/recorder.ts, recordOnResponse): every
 * answer, success or error, carries X-Request-ID and is accounted for exactly once: one "Request completed"
 * line in the seed's format (4xx/5xx at ERROR) with the route pattern, one observation in http_request_duration_seconds for
 * that route, method and status, and the in-flight gauge back to zero. Prediction answers also name the
 * version that answered (header and log line alike).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, requestLines, SETOSA, type TestApp } from './helper.js'

const KEY = 'bookkeeping-admin-key-0123456789'

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp({ ADMIN_API_KEYS: KEY })
})
afterAll(async () => {
  await t.app.close()
})

const CASES: {
  method: 'GET' | 'POST'
  url: string
  route: string
  status: number
  body?: unknown
  admin?: true
}[] = [
  { method: 'GET', url: '/health', route: '/health', status: 200 },
  { method: 'GET', url: '/health/live', route: '/health/live', status: 200 },
  { method: 'GET', url: '/health/ready', route: '/health/ready', status: 200 },
  { method: 'GET', url: '/model', route: '/model', status: 200 },
  { method: 'GET', url: '/openapi.json', route: '/openapi.json', status: 200 },
  { method: 'GET', url: '/metrics', route: '/metrics', status: 200 },
  { method: 'POST', url: '/explain', route: '/explain', status: 200, body: { input: [SETOSA] } },
  { method: 'POST', url: '/explain', route: '/explain', status: 422, body: { input: [[1, 2]] } },
  { method: 'GET', url: '/v2', route: '/v2', status: 200 },
  { method: 'GET', url: '/v2/health/live', route: '/v2/health/live', status: 200 },
  { method: 'GET', url: '/v2/health/ready', route: '/v2/health/ready', status: 200 },
  { method: 'GET', url: '/v2/models/iris_model', route: '/v2/models/:model_name', status: 200 },
  { method: 'GET', url: '/v2/models/nope', route: '/v2/models/:model_name', status: 404 },
  { method: 'GET', url: '/v2/models/iris_model/ready', route: '/v2/models/:model_name/ready', status: 200 },
  {
    method: 'POST',
    url: '/v2/models/iris_model/infer',
    route: '/v2/models/:model_name/infer',
    status: 200,
    body: { inputs: [{ name: 'input-0', shape: [1, 4], datatype: 'FP64', data: SETOSA }] },
  },
  { method: 'POST', url: '/admin/reload', route: '/admin/reload', status: 401 },
  { method: 'POST', url: '/admin/reload', route: '/admin/reload', status: 400, body: [1], admin: true },
  { method: 'GET', url: '/models', route: '/models', status: 200 },
]

async function durationCount(route: string, method: string, status: number): Promise<number> {
  const text = await t.app.inject({ method: 'GET', url: '/metrics' }).then((r) => r.body)
  const line = text
    .split('\n')
    .find((l) =>
      l.startsWith(
        `http_request_duration_seconds_count{route="${route}",method="${method}",status_code="${status}"}`,
      ),
    )
  return line === undefined ? 0 : Number(line.split(' ').at(-1))
}

describe('non-hot routes: one header, one log line, one metric observation per answer', () => {
  for (const c of CASES) {
    it(`${c.method} ${c.url} -> ${c.status}${c.admin ? ' (admin key)' : ''}`, async () => {
      const before = await durationCount(c.route, c.method, c.status)
      const mark = t.logs.length
      const res = await t.app.inject({
        method: c.method,
        url: c.url,
        ...(c.body === undefined ? {} : { payload: JSON.stringify(c.body) }),
        headers: {
          ...(c.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(c.admin ? { 'x-api-key': KEY } : {}),
        },
      })
      expect(res.statusCode).toBe(c.status)
      const id = res.headers['x-request-id']
      expect(typeof id).toBe('string')
      const lines = requestLines(t.logs.slice(mark))
      expect(lines).toHaveLength(1)
      const line = lines[0]!
      expect(line.level).toBe(c.status >= 400 ? 'ERROR' : 'INFO')
      const m = line.request_metrics as Record<string, unknown>
      expect(m).toMatchObject({ endpoint: c.route, method: c.method, status_code: c.status, request_id: id })
      expect(typeof m.latency_ms).toBe('number')
      expect(m.error === null).toBe(c.status < 400)
      const version = res.headers['x-model-version']
      expect(m.model_version).toBe(version)
      // The /metrics request itself is observed after its text was written, so it counts on the next read.
      const after = await durationCount(c.route, c.method, c.status)
      expect(after - before).toBe(c.url === '/metrics' ? 2 : 1)
    })
  }

  it('the in-flight gauge is back to zero after all of them', async () => {
    const text = await t.app.inject({ method: 'GET', url: '/metrics' }).then((r) => r.body)
    // The /metrics request reading the gauge is itself in flight.
    expect(text).toMatch(/^http_requests_in_flight 1$/m)
  })
})
