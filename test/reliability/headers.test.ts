/** Security headers and CORS through the whole app (the browser side is e2e/security-headers.test.ts). */
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../api/helper.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.app.close()
  t = undefined
})

describe('security headers', () => {
  it('sends a strict CSP and the helmet set on every kind of response', async () => {
    t = await buildTestApp()
    const responses = [
      await t.app.inject({ url: '/' }),
      await t.app.inject({ url: '/docs' }),
      await t.app.inject({ url: '/health' }),
      await t.app.inject({ method: 'POST', url: '/predict', payload: { input: [[1, 2, 3, 4]] } }),
      await t.app.inject({ method: 'POST', url: '/predict', payload: 'nope' }),
      await t.app.inject({ url: '/no/such/route' }),
    ]
    for (const [i, res] of responses.entries()) {
      const csp = String(res.headers['content-security-policy'])
      // Only /docs (index 1) may have inline <style> (Swagger UI injects some); never inline script.
      expect(csp.includes("style-src 'self' 'unsafe-inline'")).toBe(i === 1)
      expect(csp).toMatch(/script-src 'self';/)
      expect(csp).toContain("default-src 'self'")
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("object-src 'none'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).not.toContain('unsafe-eval')
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.headers['x-frame-options']).toBe('DENY')
      expect(res.headers['referrer-policy']).toBe('no-referrer')
      expect(res.headers['access-control-allow-origin']).toBeUndefined()
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
