/**
 * The fast lane (src/api/fast-lane.ts) against Fastify, answer by answer: every request is sent through
 * app.inject (Fastify only) and through the server's handler (lane first), and the two answers must be the
 * same bytes, the same headers (but Date) and the same log line (but timestamp and latency). Also: which
 * requests the lane takes, that it stands aside when it cannot answer as Fastify would, Connection: close while
 * the app closes, and a client that goes away mid-body over real TCP.
 */
import { connect } from 'node:net'
import fc from 'fast-check'
import type { InjectOptions, Response } from 'light-my-request'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { FastLane } from '../../src/api/fast-lane.js'
import { buildTestApp, injectServer, requestLines, SETOSA, type TestApp, VIRGINICA } from './helper.js'

const JSON_HEADERS = { 'content-type': 'application/json' }

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp({ BODY_LIMIT: '4096', MAX_BATCH_ROWS: '50' })
})
afterAll(() => t.app.close())

/** Records, per call, whether the lane took the request. */
function watchLane() {
  const taken: boolean[] = []
  const original = FastLane.prototype.handle
  const spy = vi.spyOn(FastLane.prototype, 'handle').mockImplementation(function (this: FastLane, req, res) {
    const took = original.call(this, req, res)
    taken.push(took)
    return took
  })
  return { taken, restore: () => spy.mockRestore() }
}

/** What must match between the two ways: status, body and headers but Date. */
function comparable(res: Response) {
  const { date: _date, ...headers } = res.headers
  return { status: res.statusCode, body: res.payload, headers }
}

/** The request's log line without what differs from run to run. */
function lastLine(since: number) {
  const lines = requestLines(t.logs).slice(since)
  expect(lines).toHaveLength(1)
  const line = lines[0] as { timestamp: string; request_metrics: Record<string, unknown> }
  const { latency_ms: _latency, ...metrics } = line.request_metrics
  return { ...line, timestamp: undefined, request_metrics: metrics }
}

/** Send `options` both ways; expect the same answer and log line; return the lane's answer and whether it took it. */
async function sameBothWays(options: InjectOptions): Promise<{ res: Response; laneTook: boolean }> {
  const headers = { 'x-request-id': 'same-id-both-ways', ...(options.headers ?? {}) }
  let since = requestLines(t.logs).length
  const viaFastify = await t.app.inject({ ...options, headers })
  const fastifyLine = lastLine(since)
  const watch = watchLane()
  since = requestLines(t.logs).length
  let viaServer: Response
  try {
    viaServer = await injectServer(t.app, { ...options, headers })
  } finally {
    watch.restore()
  }
  expect(comparable(viaServer)).toEqual(comparable(viaFastify))
  expect(lastLine(since)).toEqual(fastifyLine)
  return { res: viaServer, laneTook: watch.taken.at(-1) === true }
}

const post = (url: string, payload: string, headers: Record<string, string> = JSON_HEADERS) =>
  sameBothWays({ method: 'POST', url, payload, headers })

describe.each(['/predict', '/predict-proba'])('POST %s: the lane answers as Fastify does', (url) => {
  it('predictions: one row, a batch, the largest batch allowed', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? SETOSA : VIRGINICA))
    for (const input of [[SETOSA], [SETOSA, VIRGINICA, [0, 0, 0, 0]], rows]) {
      const { res, laneTook } = await post(url, JSON.stringify({ input }))
      expect(res.statusCode).toBe(200)
      expect(laneTook).toBe(true)
    }
  })

  it('every client fault of the contract, with the same status and message', async () => {
    const faults: [string, number][] = [
      ['{"input": [[5.1, 3.5', 400],
      ['', 400],
      ['[]', 400],
      ['null', 400],
      ['{}', 422],
      ['{"input": []}', 422],
      ['{"input": "not a list"}', 400],
      ['{"input": [5.1]}', 400],
      ['{"input": [[5.1, 3.5, 1.4]]}', 422],
      ['{"input": [["a", "b", "c", "d"]]}', 415],
      ['{"input": [[1, 2, null, 4]]}', 415],
      ['{"input": [[5.1, 1e400, 1.4, 0.2]]}', 422],
      ['{"input": [[5.1, 3.5, 1.4, 1e39]]}', 422],
      [JSON.stringify({ input: Array.from({ length: 51 }, () => SETOSA) }), 413],
      ['{"input": [["\u00e9t\u00e9", 1, 2, 3]]}', 415],
      ['{"input": \u00e9}', 400],
    ]
    for (const [payload, status] of faults) {
      const { res, laneTook } = await post(url, payload)
      expect({ payload, status: res.statusCode }).toEqual({ payload, status })
      expect(Object.keys(res.json())).toEqual(['error'])
      expect(laneTook).toBe(payload !== '')
    }
  })

  it('takes plain JSON content types only; Fastify answers the rest, the same way it always did', async () => {
    const body = JSON.stringify({ input: [SETOSA] })
    for (const type of [
      'application/json',
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
    ]) {
      expect((await post(url, body, { 'content-type': type })).laneTook).toBe(true)
    }
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'Application/JSON',
      'application/json;',
    ]) {
      expect((await post(url, body, { 'content-type': type })).laneTook).toBe(false)
    }
    expect((await post(url, body, {})).laneTook).toBe(false)
  })

  it('leaves to Fastify: a body over BODY_LIMIT by Content-Length, a query string, other methods and paths', async () => {
    const big = JSON.stringify({ input: Array.from({ length: 400 }, () => SETOSA) })
    const tooLarge = await post(url, big)
    expect(tooLarge.res.statusCode).toBe(413)
    expect(tooLarge.laneTook).toBe(false)
    const body = JSON.stringify({ input: [SETOSA] })
    expect(
      (await sameBothWays({ method: 'POST', url: `${url}?debug=1`, payload: body, headers: JSON_HEADERS }))
        .laneTook,
    ).toBe(false)
    expect(
      (await sameBothWays({ method: 'POST', url: `${url}/`, payload: body, headers: JSON_HEADERS })).laneTook,
    ).toBe(false)
    const get = await sameBothWays({ method: 'GET', url })
    expect(get.res.statusCode).toBe(405)
    expect(get.laneTook).toBe(false)
  })

  it('a body shorter or longer than its Content-Length: the same 400 both ways', async () => {
    const body = JSON.stringify({ input: [SETOSA] })
    for (const length of [body.length - 3, body.length + 3]) {
      const { res, laneTook } = await post(url, body, { ...JSON_HEADERS, 'content-length': String(length) })
      expect(res.statusCode).toBe(400)
      expect(laneTook).toBe(true)
    }
  })

  it('the client id when sane, else a fresh one, echoed in the header and the log line', async () => {
    const since = requestLines(t.logs).length
    const res = await injectServer(t.app, {
      method: 'POST',
      url,
      payload: JSON.stringify({ input: [SETOSA] }),
      headers: { ...JSON_HEADERS, 'x-request-id': 'not sane!' },
    })
    const id = res.headers['x-request-id'] as string
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(requestLines(t.logs).slice(since)).toMatchObject([
      { request_metrics: { request_id: id, status_code: 200 } },
    ])
  })

  it('any JSON body and any text get the same answer both ways (property)', async () => {
    const row = fc.array(fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(null)), {
      maxLength: 5,
    })
    const body = fc.oneof(
      fc.json(),
      fc.string(),
      fc.array(row, { maxLength: 6 }).map((input) => JSON.stringify({ input })),
    )
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const { laneTook } = await post(url, payload)
        // light-my-request sends no Content-Length for an empty payload: Fastify's then.
        expect(laneTook).toBe(payload !== '')
      }),
      { numRuns: 150 },
    )
  })
})

describe('the lane stands aside when it cannot answer as Fastify would', () => {
  // With keys, tokens and rate limits the lane applies the same checks itself:
  // test/reliability/auth-fast-lane.test.ts compares those answers with Fastify's.
  it.each([
    [{ CORS_ORIGINS: 'https://app.example.com' }, { origin: 'https://app.example.com' }],
    [{ HTTP_FAST_LANE: 'false' }, {}],
  ] as [Record<string, string>, Record<string, string>][])('%o', async (env, headers) => {
    const guarded = await buildTestApp(env)
    const watch = watchLane()
    try {
      const res = await injectServer(guarded.app, {
        method: 'POST',
        url: '/predict',
        payload: JSON.stringify({ input: [SETOSA] }),
        headers: { ...JSON_HEADERS, ...headers },
      })
      expect(watch.taken.filter((took) => took)).toEqual([])
      expect(res.statusCode).toBe(200)
    } finally {
      watch.restore()
      await guarded.app.close()
    }
  })
})

describe('closing and broken clients', () => {
  let other: TestApp | undefined
  afterEach(async () => {
    await other?.app.close()
    other = undefined
  })

  it('while the app closes, answers carry Connection: close, as Fastify sets it', async () => {
    other = await buildTestApp()
    const options = {
      method: 'POST' as const,
      url: '/predict',
      payload: JSON.stringify({ input: [SETOSA] }),
      headers: JSON_HEADERS,
    }
    expect((await injectServer(other.app, options)).headers.connection).not.toBe('close')
    const closing = other.app
    other = undefined
    await closing.close()
    const viaLane = await injectServer(closing, options)
    expect(viaLane.statusCode).toBe(200)
    expect(viaLane.headers.connection).toBe('close')
  })

  it('a client gone mid-body is logged as a 400 and the worker serves on, nothing left in flight', async () => {
    other = await buildTestApp()
    const address = await other.app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = new URL(address)
    const socket = connect(Number(port), '127.0.0.1')
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    socket.write(
      'POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\nX-Request-ID: gone-mid-body\r\n\r\n{"input": [[5.1,',
    )
    await new Promise((r) => setTimeout(r, 50))
    socket.destroy()
    const logs = other.logs
    await vi.waitFor(() =>
      expect(
        requestLines(logs).find(
          (l) => (l.request_metrics as { request_id: string }).request_id === 'gone-mid-body',
        ),
      ).toMatchObject({
        level: 'ERROR',
        request_metrics: { endpoint: '/predict', status_code: 400 },
      }),
    )
    const res = await fetch(`${address}/predict`, {
      method: 'POST',
      body: JSON.stringify({ input: [SETOSA] }),
      headers: JSON_HEADERS,
    })
    expect(await res.json()).toEqual({ prediction: ['setosa'] })
    const metrics = await (await fetch(`${address}/metrics`)).text()
    // The scrape itself is the one request in flight.
    expect(metrics).toMatch(/^http_requests_in_flight 1$/m)
  })
})
