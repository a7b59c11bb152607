/**
 * Issue 13, HIGH: protection is decided on the matched route, never on the URL text. Over real HTTP (a
 * listening server, raw TCP so the request target is sent verbatim), every protected route is tried in
 * every form a router may map to it (each character percent-encoded, absolute form, #fragment, ?query)
 * or that a text check may mishandle (double/trailing slash, mixed case). Without the right credential no
 * form succeeds; with it, the forms the router maps to the route answer 200 (so the refusals above are
 * about the route, not a path that happens not to exist) and the others 404.
 * Before the fix, /%61dmin/reload, http://x/admin/reload and /%6detrics were answered 200 without a key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../api/helper.js'
import { rawRequest, urlForms } from './raw-http.js'

const KEY = 'predict-key-3f9a1c0e77'
const ADMIN = 'admin-key-77e2b4d1c9a0'
const ROW = JSON.stringify({ input: [[5.1, 3.5, 1.4, 0.2]] })
/** A body the reload route refuses itself (400, unknown field): proves the route was reached, reloads nothing. */
const RELOAD = { method: 'POST', path: '/admin/reload', body: '{"bogus": 1}', reached: 400 } as const
const NOT_ROUTED = new Set([
  'double slash',
  'inner double slash',
  'trailing slash',
  'mixed case',
  'upper case',
])

async function listening(env: Record<string, string>): Promise<{ t: TestApp; port: number }> {
  const t = await buildTestApp(env)
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  return { t, port: (t.app.server.address() as { port: number }).port }
}

interface Case {
  method: 'GET' | 'POST'
  path: string
  body?: string
  /** The route's own answer when reached with the right credential (default 200). */
  reached?: number
}

/** Every form of `c`: status without `denied` headers, and with `granted` headers. */
async function tryForms(
  port: number,
  c: Case,
  denied: Record<string, string>,
  granted: Record<string, string> | undefined,
): Promise<void> {
  const seen = new Set<string>()
  const wrong: string[] = []
  for (const form of urlForms(c.path)) {
    if (seen.has(form.target)) continue
    seen.add(form.target)
    const label = `${c.method} ${form.target} (${form.name})`
    const refused = await rawRequest(port, c.method, form.target, denied, c.body ?? '')
    if (refused.status < 400) wrong.push(`${label}: ${refused.status} without the right credential`)
    expect(refused.headers['content-type'], label).toMatch(/^application\/json/)
    expect(refused.headers['x-request-id'], label).toBeDefined()
    if (granted === undefined) continue
    const ok = await rawRequest(port, c.method, form.target, granted, c.body ?? '')
    const want = NOT_ROUTED.has(form.name) ? 404 : (c.reached ?? 200)
    if (ok.status !== want) wrong.push(`${label}: ${ok.status} with the right credential, expected ${want}`)
  }
  // All forms are tried before judging, so a failure lists every form that got through.
  expect(wrong).toEqual([])
}

describe('admin routes: ADMIN_API_KEYS only (predictions open)', () => {
  let s: { t: TestApp; port: number }
  beforeAll(async () => {
    s = await listening({ ADMIN_API_KEYS: ADMIN })
  })
  afterAll(() => s.t.app.close())

  it('POST /admin/reload in any URL form: 401 without a key, reached with the admin key', async () => {
    await tryForms(s.port, RELOAD, {}, { 'x-api-key': ADMIN })
  })
})

describe('admin routes: API_KEYS and ADMIN_API_KEYS', () => {
  let s: { t: TestApp; port: number }
  beforeAll(async () => {
    s = await listening({ API_KEYS: KEY, ADMIN_API_KEYS: ADMIN })
  })
  afterAll(() => s.t.app.close())

  it('a prediction key never administers, in any URL form', async () => {
    await tryForms(s.port, RELOAD, { 'x-api-key': KEY }, { authorization: `Bearer ${ADMIN}` })
    const plain = await rawRequest(s.port, 'POST', '/%61dmin/reload', { 'x-api-key': KEY }, RELOAD.body)
    expect(plain.status).toBe(403)
    expect(plain.headers['www-authenticate']).toMatch(/error="insufficient_scope", scope="admin"/)
  })
})

describe('admin routes: API_KEYS alone', () => {
  let s: { t: TestApp; port: number }
  beforeAll(async () => {
    s = await listening({ API_KEYS: KEY })
  })
  afterAll(() => s.t.app.close())

  it('prediction keys cannot reload: admin is closed until admin keys are set', async () => {
    await tryForms(s.port, RELOAD, { 'x-api-key': KEY }, undefined)
    const res = await rawRequest(s.port, 'POST', '/admin/reload', { 'x-api-key': KEY }, RELOAD.body)
    expect(res.status).toBe(403)
    expect(JSON.parse(res.body).error).toMatch(/ADMIN_API_KEYS/)
  })
})

describe('GET /metrics with METRICS_REQUIRE_KEY=true', () => {
  let s: { t: TestApp; port: number }
  beforeAll(async () => {
    s = await listening({ API_KEYS: KEY, METRICS_REQUIRE_KEY: 'true' })
  })
  afterAll(() => s.t.app.close())

  it('needs a key in any URL form', async () => {
    await tryForms(s.port, { method: 'GET', path: '/metrics' }, {}, { 'x-api-key': KEY })
  })
})

describe('prediction and read routes with API_KEYS', () => {
  let s: { t: TestApp; port: number }
  beforeAll(async () => {
    s = await listening({ API_KEYS: KEY })
  })
  afterAll(() => s.t.app.close())

  it.each([
    ['POST', '/predict', ROW],
    ['POST', '/predict-proba', ROW],
    ['POST', '/explain', ROW],
    ['GET', '/model', undefined],
  ] as const)('%s %s needs a key in any URL form', async (method, path, body) => {
    await tryForms(s.port, { method, path, ...(body ? { body } : {}) }, {}, { 'x-api-key': KEY })
  })

  it('POST V2 infer needs a key in any URL form', async () => {
    const name = s.t.models.current!.name
    const body = JSON.stringify({
      inputs: [{ name: 'input-0', shape: [1, 4], datatype: 'FP64', data: [5.1, 3.5, 1.4, 0.2] }],
    })
    await tryForms(
      s.port,
      { method: 'POST', path: `/v2/models/${name}/infer`, body },
      {},
      { 'x-api-key': KEY },
    )
  })

  it('a POST to a path with no route is closed too (401 before 404)', async () => {
    const res = await rawRequest(s.port, 'POST', '/no/such/route', {}, '{}')
    expect(res.status).toBe(401)
    expect((await rawRequest(s.port, 'POST', '/no/such/route', { 'x-api-key': KEY }, '{}')).status).toBe(404)
    expect((await rawRequest(s.port, 'GET', '/no/such/route')).status).toBe(404)
  })
})
