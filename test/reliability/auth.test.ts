/** API keys through the whole app (issue 7, "Access control"): who needs a key, 401 shape, keys never logged. */
import { createHash } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { KeyStore } from '../../src/api/security/api-keys-store.js'
import { Gate, installAuth } from '../../src/api/security/auth.js'
import { buildTestApp, injectServer, requestLines, type TestApp } from '../api/helper.js'

const KEY = 'k-3f9a1c-secret-predict'
const OTHER = 'k-0000-other-client'
const ADMIN = 'adm-77e2-secret-admin'
const ROW = { input: [[5.1, 3.5, 1.4, 0.2]] }
const NO_KEYS = { apiKeys: '', adminApiKeys: '', apiKeysFile: '', adminApiKeysFile: '' }
let t: TestApp | undefined
afterEach(async () => {
  await t?.app.close()
  t = undefined
})

const post = (url: string, headers: Record<string, string> = {}, payload: unknown = ROW) =>
  t!.app.inject({ method: 'POST', url, headers, payload: payload as object })

describe('with API_KEYS', () => {
  it('needs a key on the prediction routes: Bearer or X-API-Key', async () => {
    t = await buildTestApp({ API_KEYS: `${KEY}, ${OTHER}` })
    for (const url of ['/predict', '/predict-proba', '/explain']) {
      const missing = await post(url)
      expect(missing.statusCode).toBe(401)
      expect(missing.headers['www-authenticate']).toBe('Bearer realm="iris-prediction-service"')
      expect(missing.headers['content-type']).toMatch(/^application\/json/)
      expect(missing.json()).toEqual({ error: expect.stringMatching(/missing API key/) })
      expect((await post(url, { authorization: 'Bearer wrong' })).json()).toEqual({
        error: 'invalid API key',
      })
      expect((await post(url, { authorization: `Bearer ${KEY}` })).statusCode).toBe(200)
      expect((await post(url, { 'x-api-key': OTHER })).statusCode).toBe(200)
      expect((await post(url, { authorization: `bearer ${OTHER}` })).statusCode).toBe(200)
    }
    const v2 = `/v2/models/${t.models.current!.name}/infer`
    const infer = {
      inputs: [{ name: 'input-0', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }],
    }
    expect((await post(v2, {}, infer)).statusCode).toBe(401)
    expect((await post(v2, { 'x-api-key': KEY }, infer)).statusCode).toBe(200)
  })

  it('keeps probes and /metrics open, model info needs the read scope; /metrics closes with METRICS_REQUIRE_KEY', async () => {
    t = await buildTestApp({ API_KEYS: KEY })
    for (const url of [
      '/health',
      '/health/live',
      '/health/ready',
      '/v2/health/ready',
      '/metrics',
      '/openapi.json',
    ]) {
      expect((await t.app.inject({ url })).statusCode, url).toBe(200)
    }
    expect((await t.app.inject({ url: '/model' })).statusCode).toBe(401)
    expect((await t.app.inject({ url: '/model', headers: { 'x-api-key': KEY } })).statusCode).toBe(200)
    await t.app.close()
    t = await buildTestApp({ API_KEYS: KEY, METRICS_REQUIRE_KEY: 'true' })
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(401)
    expect((await t.app.inject({ url: '/metrics', headers: { 'x-api-key': KEY } })).statusCode).toBe(200)
    expect((await t.app.inject({ url: '/health' })).statusCode).toBe(200)
  })

  it('never writes a key (or its header) to the log, accepted or refused', async () => {
    t = await buildTestApp({ API_KEYS: KEY, LOG_LEVEL: 'trace' })
    await post('/predict', { authorization: `Bearer ${KEY}` })
    await post('/predict', { 'x-api-key': `${KEY}x` })
    await post('/predict', { authorization: `Bearer ${OTHER}` })
    await post('/predict', { 'x-api-key': KEY }, '{"input": [[1,2,3]]}')
    await post('/admin/reload', { 'x-api-key': KEY }, { path: 'nope.json' })
    const text = JSON.stringify(t.logs)
    expect(t.logs.length).toBeGreaterThanOrEqual(5)
    for (const secret of [KEY, OTHER, 'k-3f9a1c', createHash('sha256').update(KEY).digest('hex')]) {
      expect(text).not.toContain(secret)
    }
    expect(text).not.toMatch(/authorization|x-api-key/i)
  })
})

describe('the client in log lines and metrics', () => {
  it('names the key (never the key itself) in the log line and iris_client_requests_total, both paths', async () => {
    t = await buildTestApp({ API_KEYS: `${KEY}, ${OTHER}` })
    const lane = await injectServer(t.app, {
      method: 'POST',
      url: '/predict',
      payload: JSON.stringify(ROW),
      headers: { 'content-type': 'application/json', 'x-api-key': OTHER },
    })
    expect(lane.statusCode).toBe(200)
    expect((await post('/explain', { authorization: `Bearer ${KEY}` })).statusCode).toBe(200)
    expect((await post('/predict')).statusCode).toBe(401)
    const lines = requestLines(t.logs).map((l) => l.request_metrics as Record<string, unknown>)
    expect(lines.map((m) => [m.endpoint, m.status_code, m.client])).toEqual([
      ['/predict', 200, 'api-key-2'],
      ['/explain', 200, 'api-key-1'],
      ['/predict', 401, undefined],
    ])
    const metrics = (await t.app.inject({ url: '/metrics' })).body
    expect(metrics).toContain('iris_client_requests_total{client="api-key-2",code="2xx"} 1')
    expect(metrics).toContain('iris_client_requests_total{client="api-key-1",code="2xx"} 1')
    expect(metrics).not.toContain(KEY)
  })
})

describe('with API_KEYS_FILE (SHA-256 digests)', () => {
  it('accepts the keys whose digests are listed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-'))
    const file = join(dir, 'keys.txt')
    writeFileSync(file, `# clients\n${createHash('sha256').update(KEY).digest('hex')}\n`)
    t = await buildTestApp({ API_KEYS_FILE: file })
    expect((await post('/predict')).statusCode).toBe(401)
    expect((await post('/predict', { 'x-api-key': KEY })).statusCode).toBe(200)
    expect(
      (await post('/predict', { 'x-api-key': createHash('sha256').update(KEY).digest('hex') })).statusCode,
    ).toBe(401)
  })

  it('refuses to start on a malformed file, naming file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-'))
    const file = join(dir, 'bad.txt')
    writeFileSync(file, 'deadbeef\n')
    await expect(buildTestApp({ API_KEYS_FILE: file })).rejects.toThrow(
      `${file}:1: expected a SHA-256 digest`,
    )
  })
})

/** A body the reload route refuses itself (400): the request reached the route; nothing is reloaded. */
const REACHED = { bogus: 1 }

describe('/admin', () => {
  it('uses ADMIN_API_KEYS: predict keys cannot administer (403 insufficient_scope), admin keys cannot predict', async () => {
    t = await buildTestApp({ API_KEYS: KEY, ADMIN_API_KEYS: ADMIN })
    const refused = await post('/admin/reload', { 'x-api-key': KEY }, REACHED)
    expect(refused.statusCode).toBe(403)
    expect(refused.headers['www-authenticate']).toMatch(/error="insufficient_scope", scope="admin"/)
    expect((await post('/admin/reload', { 'x-api-key': ADMIN }, REACHED)).statusCode).toBe(400)
    expect((await post('/predict', { 'x-api-key': ADMIN })).statusCode).toBe(403)
  })

  it('with API_KEYS alone, no key can reload', async () => {
    t = await buildTestApp({ API_KEYS: KEY })
    const res = await post('/admin/reload', { 'x-api-key': KEY }, {})
    expect(res.statusCode).toBe(403)
    expect(res.json().error).toMatch(/set ADMIN_API_KEYS/)
    expect((await post('/admin/reload', {}, {})).statusCode).toBe(403)
  })

  it('protects /admin with admin keys alone, leaving predictions open', async () => {
    t = await buildTestApp({ ADMIN_API_KEYS: ADMIN })
    expect((await post('/predict')).statusCode).toBe(200)
    expect((await post('/admin/reload', {}, {})).statusCode).toBe(401)
    expect((await post('/admin/reload', { authorization: `Bearer ${ADMIN}` }, REACHED)).statusCode).toBe(400)
  })

  it('is disabled (403) when no key is configured at all', async () => {
    t = await buildTestApp()
    const res = await post('/admin/reload', {}, {})
    expect(res.statusCode).toBe(403)
    expect(res.json().error).toMatch(/set ADMIN_API_KEYS/)
  })
})

describe('without keys', () => {
  it('installs no request hook (the hot path pays nothing), only a guard on routes that need admin', async () => {
    const calls: string[] = []
    const fake = {
      addHook: (name: string) => calls.push(name),
      decorateRequest: () => calls.push('decorate'),
    }
    const gate = new Gate({ keys: new KeyStore(NO_KEYS), metricsRequireKey: false })
    installAuth(fake as never, gate)
    expect(calls).toEqual(['onRoute'])
    // Routes that declare a scope run no auth code; a route declaring nothing (or admin) answers 403.
    const app = Fastify({ logger: false })
    installAuth(app, gate)
    app.post('/declared', { config: { access: 'predict' } }, async () => 'ok')
    app.post('/undeclared', async () => 'ok')
    app.post('/admin-only', { config: { access: 'admin' } }, async () => 'ok')
    expect((await app.inject({ method: 'POST', url: '/declared' })).statusCode).toBe(200)
    expect((await app.inject({ method: 'POST', url: '/undeclared' })).statusCode).toBe(403)
    expect((await app.inject({ method: 'POST', url: '/admin-only' })).statusCode).toBe(403)
    await app.close()
  })
})
