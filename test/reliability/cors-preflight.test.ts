/**
 * CORS preflights (issue 13 §2): answered by the app, not inside @fastify/cors, so each one carries the
 * security headers and a request id, gets a log line, and leaves http_requests_in_flight balanced (before:
 * no log line, no request id, and +1 in flight per preflight, forever). Over a real listening server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, requestLines, type TestApp } from '../api/helper.js'
import { rawRequest } from './raw-http.js'

const ORIGIN = 'https://app.example'
const KEY = 'predict-key-3f9a1c0e77'
let t: TestApp
let port: number
beforeAll(async () => {
  t = await buildTestApp({ CORS_ORIGINS: ORIGIN, API_KEYS: KEY })
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  port = (t.app.server.address() as { port: number }).port
})
afterAll(() => t.app.close())

const preflight = (origin: string, extra: Record<string, string> = {}) =>
  rawRequest(port, 'OPTIONS', '/predict', {
    origin,
    'access-control-request-method': 'POST',
    'access-control-request-headers': 'content-type, x-api-key',
    ...extra,
  })

function inFlight(metrics: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith('http_requests_in_flight '))
  return Number(line?.split(' ')[1])
}

describe('CORS preflight', () => {
  it('is answered 204 with the CORS and security headers and a request id, needing no key', async () => {
    const res = await preflight(ORIGIN, { 'x-request-id': 'preflight-1' })
    expect(res.status).toBe(204)
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN)
    expect(res.headers['access-control-allow-methods']).toContain('POST')
    expect(res.headers['access-control-allow-headers']).toContain('x-api-key')
    expect(res.headers['x-request-id']).toBe('preflight-1')
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'")
    expect(res.headers['content-length']).toBe('0')
  })

  it('is logged and leaves the in-flight gauge balanced', async () => {
    for (let i = 0; i < 5; i++) expect((await preflight(ORIGIN)).status).toBe(204)
    const lines = requestLines(t.logs).map((l) => l.request_metrics as Record<string, unknown>)
    const logged = lines.filter((m) => m.method === 'OPTIONS' && m.status_code === 204)
    expect(logged.length).toBeGreaterThanOrEqual(6)
    expect(logged.some((m) => m.request_id === 'preflight-1')).toBe(true)
    // The scrape itself is the one request in flight.
    const metrics = await rawRequest(port, 'GET', '/metrics')
    expect(inFlight(metrics.body)).toBe(1)
  })

  it('from an origin not allowed: no CORS headers, the app 405 (logged, in our error shape)', async () => {
    const res = await preflight('https://evil.example')
    expect(res.status).toBe(405)
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
    expect(JSON.parse(res.body).error).toMatch(/method OPTIONS is not allowed on \/predict/)
    expect(res.headers['x-request-id']).toBeDefined()
  })

  it('an OPTIONS from an allowed origin without Access-Control-Request-Method is a 400 in our shape', async () => {
    const res = await rawRequest(port, 'OPTIONS', '/predict', { origin: ORIGIN })
    expect(res.status).toBe(400)
    expect(JSON.parse(res.body).error).toMatch(/Access-Control-Request-Method/)
    const metrics = await rawRequest(port, 'GET', '/metrics')
    expect(inFlight(metrics.body)).toBe(1)
  })
})
