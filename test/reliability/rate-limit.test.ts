/** Rate limiting through the whole app: per key or per IP, 429 JSON + Retry-After, probes exempt, off by default. */
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../api/helper.js'

const ROW = { input: [[5.1, 3.5, 1.4, 0.2]] }
let t: TestApp | undefined
afterEach(async () => {
  await t?.app.close()
  t = undefined
})

const predict = (headers: Record<string, string> = {}, remoteAddress = '10.0.0.1') =>
  t!.app.inject({ method: 'POST', url: '/predict', headers, payload: ROW, remoteAddress })

describe('rate limit', () => {
  it('is off by default: no limit headers, no 429', async () => {
    t = await buildTestApp()
    const statuses = new Set<number>()
    for (let i = 0; i < 100; i++) statuses.add((await predict()).statusCode)
    expect([...statuses]).toEqual([200])
    expect((await predict()).headers['x-ratelimit-limit']).toBeUndefined()
  })

  it('allows RATE_LIMIT_MAX per IP per window, then 429 JSON with Retry-After', async () => {
    t = await buildTestApp({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_S: '60' })
    const first = await predict()
    expect(first.headers['x-ratelimit-limit']).toBe('3')
    expect(first.headers['x-ratelimit-remaining']).toBe('2')
    await predict()
    await predict()
    const refused = await predict()
    expect(refused.statusCode).toBe(429)
    expect(refused.headers['content-type']).toMatch(/^application\/json/)
    expect(refused.json()).toEqual({
      error: expect.stringMatching(/^rate limit exceeded: 3 requests per 60 s/),
    })
    const retry = Number(refused.headers['retry-after'])
    expect(retry).toBeGreaterThanOrEqual(1)
    expect(retry).toBeLessThanOrEqual(60)
    // Another client is not affected; the health probes never are.
    expect((await predict({}, '10.0.0.2')).statusCode).toBe(200)
    for (const url of ['/health', '/health/ready', '/health/live', '/v2/health/live']) {
      expect((await t.app.inject({ url, remoteAddress: '10.0.0.1' })).statusCode, url).toBe(200)
    }
    // The refusal is logged like any other request.
    expect(t.logs.some((l) => (l.request_metrics as { status_code?: number })?.status_code === 429)).toBe(
      true,
    )
  })

  it('counts per API key when keys are on, whatever the IP', async () => {
    t = await buildTestApp({ RATE_LIMIT_MAX: '2', API_KEYS: 'alpha,beta' })
    expect((await predict({ 'x-api-key': 'alpha' }, '10.0.0.1')).statusCode).toBe(200)
    expect((await predict({ 'x-api-key': 'alpha' }, '10.0.0.2')).statusCode).toBe(200)
    expect((await predict({ 'x-api-key': 'alpha' }, '10.0.0.3')).statusCode).toBe(429)
    expect((await predict({ 'x-api-key': 'beta' }, '10.0.0.1')).statusCode).toBe(200)
  })

  it('lets requests through again when the window ends', async () => {
    t = await buildTestApp({ RATE_LIMIT_MAX: '1', RATE_LIMIT_WINDOW_S: '0.5' })
    // Start at the beginning of a window so both requests fall into it.
    await new Promise((r) => setTimeout(r, 500 - (Date.now() % 500) + 5))
    expect((await predict()).statusCode).toBe(200)
    expect((await predict()).statusCode).toBe(429)
    await new Promise((r) => setTimeout(r, 510))
    expect((await predict()).statusCode).toBe(200)
  })
})
