/** Security headers and CORS through the whole app (the browser side is e2e/security-headers.test.ts). */
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../api/helper.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.app.close()
  t = undefined
})

const DOCUMENT_ONLY = [
  'cross-origin-opener-policy',
  'origin-agent-cluster',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
]

function expectCommonHardening(res: { headers: Record<string, unknown> }): void {
  expect(res.headers['x-content-type-options']).toBe('nosniff')
  expect(res.headers['x-frame-options']).toBe('DENY')
  expect(res.headers['referrer-policy']).toBe('no-referrer')
  expect(res.headers['cross-origin-resource-policy']).toBe('same-origin')
  expect(String(res.headers['strict-transport-security'])).toMatch(/^max-age=\d+; includeSubDomains$/)
  expect(res.headers['access-control-allow-origin']).toBeUndefined()
}

describe('security headers', () => {
  it('documents (the UI, Swagger UI) get a strict CSP for pages and the whole helmet set', async () => {
    t = await buildTestApp()
    const pages = [await t.app.inject({ url: '/' }), await t.app.inject({ url: '/docs/' })]
    for (const [i, res] of pages.entries()) {
      expect(res.statusCode).toBe(200)
      expect(String(res.headers['content-type'])).toMatch(/^text\/html/)
      const csp = String(res.headers['content-security-policy'])
      // Only /docs (index 1) may have inline <style> (Swagger UI injects some); never inline script.
      expect(csp.includes("style-src 'self' 'unsafe-inline'")).toBe(i === 1)
      expect(csp).toContain("default-src 'self'")
      expect(csp).toMatch(/script-src 'self';/)
      expect(csp).toContain("object-src 'none'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).not.toContain('unsafe-eval')
      expectCommonHardening(res)
      for (const h of DOCUMENT_ONLY) expect(res.headers, h).toHaveProperty(h)
    }
  })

  it('JSON responses (routes, errors, 404s) get the API set: a CSP that allows nothing, no document-only headers', async () => {
    t = await buildTestApp()
    const responses = [
      await t.app.inject({ url: '/health' }),
      await t.app.inject({ url: '/model' }),
      await t.app.inject({ method: 'POST', url: '/predict', payload: { input: [[1, 2, 3, 4]] } }),
      await t.app.inject({ method: 'POST', url: '/predict', payload: 'nope' }),
      await t.app.inject({ url: '/no/such/route' }),
      await t.app.inject({ url: '/predict' }),
    ]
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200, 400, 404, 405])
    for (const res of responses) {
      expect(String(res.headers['content-type'])).toMatch(/^application\/json/)
      expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'")
      expectCommonHardening(res)
      for (const h of DOCUMENT_ONLY) expect(res.headers, h).not.toHaveProperty(h)
    }
  })
})

describe('CORS', () => {
  const preflight = (origin: string) =>
    t!.app.inject({
      method: 'OPTIONS',
      url: '/predict',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })

  it('is closed by default: no Access-Control-Allow-Origin for any origin', async () => {
    t = await buildTestApp()
    const res = await t.app.inject({ url: '/health', headers: { origin: 'https://evil.example' } })
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
    expect((await preflight('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined()
  })

  it('allows exactly the CORS_ORIGINS allowlist', async () => {
    t = await buildTestApp({ CORS_ORIGINS: 'https://app.example, http://localhost:5173' })
    const ok = await preflight('https://app.example')
    expect(ok.statusCode).toBe(204)
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example')
    expect(String(ok.headers['access-control-allow-methods'])).toContain('POST')
    const get = await t.app.inject({ url: '/health', headers: { origin: 'http://localhost:5173' } })
    expect(get.headers['access-control-allow-origin']).toBe('http://localhost:5173')
    expect(String(get.headers['access-control-expose-headers'])).toContain('x-request-id')
    for (const origin of ['https://evil.example', 'https://app.example.evil', 'http://app.example']) {
      expect((await preflight(origin)).headers['access-control-allow-origin'], origin).toBeUndefined()
    }
  })

  it('refuses a malformed CORS_ORIGINS at start-up', async () => {
    await expect(buildTestApp({ CORS_ORIGINS: 'https://app.example/path' })).rejects.toThrow(/bare origin/)
  })
})
