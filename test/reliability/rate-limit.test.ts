/**
 * Rate limiting through the whole app, over real HTTP (the app listening on 127.0.0.1): per address or per
 * key, tiers from the key file, 429 JSON with Retry-After and the IETF RateLimit fields, probes exempt, off
 * by default; failed authentications throttled by address (key guessing); TRUST_PROXY deciding whether
 * X-Forwarded-For names the client. The limit across workers and instances: rate-limit-cluster.test.ts.
 */
import { createHash } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../dev/harness/small-model.js'
import { buildTestApp, type TestApp } from '../api/helper.js'

const ROW = { input: [[5.1, 3.5, 1.4, 0.2]] }
const KEY_A = 'alpha-key-0123456789'
const KEY_B = 'bravo-key-0123456789'
let t: TestApp | undefined
let base = ''
afterEach(async () => {
  await t?.app.close()
  t = undefined
})

async function serve(env: Record<string, string>): Promise<TestApp> {
  t = await buildTestApp(env)
  base = await t.app.listen({ port: 0, host: '127.0.0.1' })
  return t
}

interface Answer {
  status: number
  headers: Headers
  body: { error?: string }
}

async function send(path: string, headers: Record<string, string> = {}, method = 'POST'): Promise<Answer> {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(method === 'POST' ? { body: JSON.stringify(ROW) } : {}),
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text.startsWith('{') ? JSON.parse(text) : {} }
}
const predict = (headers: Record<string, string> = {}) => send('/predict', headers)
const statuses = async (n: number, headers: Record<string, string> = {}) => {
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push((await predict(headers)).status)
  return out
}
/** Start at the beginning of a window so a test's requests fall into one. */
async function roomInWindow(windowMs: number, needMs: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs)
  if (left < needMs) await new Promise((r) => setTimeout(r, left + 5))
}

describe('rate limit', () => {
  it('is off by default: no limit fields, no 429', async () => {
    await serve({})
    expect(new Set(await statuses(60))).toEqual(new Set([200]))
    const res = await predict()
    expect(res.headers.get('ratelimit')).toBeNull()
    expect(res.headers.get('ratelimit-policy')).toBeNull()
  })

  it('allows RATE_LIMIT_MAX per address per window, then 429 JSON with Retry-After and RateLimit fields', async () => {
    await roomInWindow(60_000, 5000)
    const { logs } = await serve({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_S: '60' })
    const first = await predict()
    expect(first.headers.get('ratelimit-policy')).toBe('"default";q=3;w=60')
    expect(first.headers.get('ratelimit')).toMatch(/^"default";r=2;t=\d+$/)
    expect((await predict()).headers.get('ratelimit')).toMatch(/^"default";r=1;t=/)
    expect((await predict()).status).toBe(200)
    const refused = await predict()
    expect(refused.status).toBe(429)
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/)
    expect(refused.body).toEqual({
      error: expect.stringMatching(/^rate limit exceeded: 3 requests per 60 s; retry after \d+ s$/),
    })
    const retry = Number(refused.headers.get('retry-after'))
    expect(retry).toBeGreaterThanOrEqual(1)
    expect(retry).toBeLessThanOrEqual(60)
    expect(refused.headers.get('ratelimit')).toBe(`"default";r=0;t=${retry}`)
    // The refusal carries the API's security headers and request id like every answer.
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff')
    expect(refused.headers.get('x-request-id')).toBeTruthy()
    // Health probes are never limited, whatever the URL form that reaches them.
    for (const url of ['/health', '/health/ready', '/health/live', '/v2/health/live', '/%68ealth/live']) {
      expect((await send(url, {}, 'GET')).status, url).toBe(200)
    }
    // Every other route is: reads and unknown paths count too.
    expect((await send('/model', {}, 'GET')).status).toBe(429)
    expect((await send('/no-such-route', {}, 'GET')).status).toBe(429)
    // The refusal is logged like any other request.
    expect(logs.some((l) => (l.request_metrics as { status_code?: number })?.status_code === 429)).toBe(true)
  })

  it('counts per API key when keys are on, whatever the address', async () => {
    await roomInWindow(60_000, 5000)
    await serve({ RATE_LIMIT_MAX: '2', API_KEYS: `${KEY_A},${KEY_B}`, TRUST_PROXY: '1' })
    // Different client addresses (through the trusted proxy), one key: one count.
    expect((await predict({ 'x-api-key': KEY_A, 'x-forwarded-for': '10.0.0.1' })).status).toBe(200)
    expect((await predict({ 'x-api-key': KEY_A, 'x-forwarded-for': '10.0.0.2' })).status).toBe(200)
    expect((await predict({ 'x-api-key': KEY_A, 'x-forwarded-for': '10.0.0.3' })).status).toBe(429)
    expect((await predict({ 'x-api-key': KEY_B, 'x-forwarded-for': '10.0.0.1' })).status).toBe(200)
  })

  it('gives a key its own tier (rate_per_minute in API_KEYS_FILE), others the default', async () => {
    await roomInWindow(60_000, 5000)
    const dir = await tempDir('iris-tier-')
    const file = join(dir, 'keys.json')
    const sha = (k: string) => createHash('sha256').update(k).digest('hex')
    await writeFile(
      file,
      JSON.stringify([
        { name: 'batch-team', sha256: sha(KEY_A), scopes: ['predict'], rate_per_minute: 5 },
        { name: 'ui', sha256: sha(KEY_B), scopes: ['predict'] },
      ]),
    )
    await serve({ RATE_LIMIT_MAX: '2', API_KEYS_FILE: file })
    const tiered = await predict({ 'x-api-key': KEY_A })
    expect(tiered.headers.get('ratelimit-policy')).toBe('"tier";q=5;w=60')
    expect(await statuses(5, { 'x-api-key': KEY_A })).toEqual([200, 200, 200, 200, 429])
    expect(await statuses(3, { 'x-api-key': KEY_B })).toEqual([200, 200, 429])
  })

  it('lets requests through again when the window ends', async () => {
    await serve({ RATE_LIMIT_MAX: '1', RATE_LIMIT_WINDOW_S: '0.5' })
    await roomInWindow(500, 350)
    expect((await predict()).status).toBe(200)
    expect((await predict()).status).toBe(429)
    await new Promise((r) => setTimeout(r, 520))
    expect((await predict()).status).toBe(200)
  })
})

describe('key guessing is throttled', () => {
  it('failed authentications count against the address; past the limit even the right key gets 429', async () => {
    await roomInWindow(60_000, 5000)
    const { logs } = await serve({ RATE_LIMIT_MAX: '3', API_KEYS: KEY_A, TRUST_PROXY: '1' })
    const attacker = { 'x-forwarded-for': '203.0.113.66' }
    const guesses = []
    for (let i = 0; i < 3; i++)
      guesses.push((await predict({ ...attacker, 'x-api-key': `guess-${i}-0123456789` })).status)
    expect(guesses).toEqual([401, 401, 401])
    // The quota is used up: no credential is checked for this address until the window ends, so a right
    // guess cannot be told from a wrong one.
    const wrong = await predict({ ...attacker, 'x-api-key': 'guess-9-0123456789' })
    const right = await predict({ ...attacker, 'x-api-key': KEY_A })
    const none = await predict(attacker)
    for (const r of [wrong, right, none]) {
      expect(r.status).toBe(429)
      expect(r.body.error).toMatch(/^rate limit exceeded: 3 requests per 60 s/)
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      expect(r.headers.get('www-authenticate')).toBeNull()
    }
    // Another address with the right key is not affected; probes never are.
    expect((await predict({ 'x-forwarded-for': '198.51.100.7', 'x-api-key': KEY_A })).status).toBe(200)
    expect((await send('/health/live', attacker, 'GET')).status).toBe(200)
    const codes = logs.flatMap((l) => {
      const m = l.request_metrics as { status_code?: number } | undefined
      return m?.status_code === undefined ? [] : [m.status_code]
    })
    expect(codes.filter((c) => c === 401)).toHaveLength(3)
    expect(codes.filter((c) => c === 429)).toHaveLength(3)
    // The log names the guessing client by the address X-Forwarded-For gives through the trusted proxy.
    const blocked = logs.filter((l) => String(l.message).startsWith('Failed authentications used up'))
    expect(blocked).toEqual([expect.objectContaining({ client_address: '203.0.113.66' })])
  })

  it('missing credentials count too; without TRUST_PROXY the log names the peer, not a spoofed address', async () => {
    await roomInWindow(60_000, 5000)
    const { logs } = await serve({ RATE_LIMIT_MAX: '2', API_KEYS: KEY_A })
    expect(await statuses(3, { 'x-forwarded-for': '6.6.6.6' })).toEqual([401, 401, 429])
    const blocked = logs.filter((l) => String(l.message).startsWith('Failed authentications used up'))
    expect(blocked).toEqual([expect.objectContaining({ client_address: '127.0.0.1' })])
  })

  it('are not counted when no limit is configured', async () => {
    await serve({ API_KEYS: KEY_A })
    expect(new Set(await statuses(20, { 'x-api-key': 'wrong-key-0123456789' }))).toEqual(new Set([401]))
    expect((await predict({ 'x-api-key': KEY_A })).status).toBe(200)
  })
})

describe('TRUST_PROXY', () => {
  // Over real HTTP the peer is always 127.0.0.1: whether two X-Forwarded-For values are two clients
  // shows in whether they share one count.
  const twoClients = async () => {
    const a = await predict({ 'x-forwarded-for': '203.0.113.1' })
    const b = await predict({ 'x-forwarded-for': '203.0.113.2' })
    return [a.status, b.status]
  }

  it('is off by default: a spoofed X-Forwarded-For is ignored (both share the peer’s count)', async () => {
    await roomInWindow(60_000, 5000)
    await serve({ RATE_LIMIT_MAX: '1' })
    expect(await twoClients()).toEqual([200, 429])
  })

  it('a hop count (1: one ingress) makes the last X-Forwarded-For entry the client', async () => {
    await roomInWindow(60_000, 5000)
    await serve({ RATE_LIMIT_MAX: '1', TRUST_PROXY: '1' })
    expect(await twoClients()).toEqual([200, 200])
    // A client that prepends its own entries cannot escape its count: the proxy's entry is the last.
    expect((await predict({ 'x-forwarded-for': '6.6.6.6, 203.0.113.1' })).status).toBe(429)
  })

  it('a CIDR list is honoured when the peer is in it, ignored when it is not', async () => {
    await roomInWindow(60_000, 5000)
    await serve({ RATE_LIMIT_MAX: '1', TRUST_PROXY: '127.0.0.0/8, ::1' })
    expect(await twoClients()).toEqual([200, 200])
    await t!.app.close()
    await serve({ RATE_LIMIT_MAX: '1', TRUST_PROXY: '10.0.0.0/8' })
    expect(await twoClients()).toEqual([200, 429])
  })

  it('refuses a setting that would trust anyone, or is not an address list, naming TRUST_PROXY', async () => {
    await expect(buildTestApp({ TRUST_PROXY: 'true' })).rejects.toThrow(
      /TRUST_PROXY "true" would let any client/,
    )
    await expect(buildTestApp({ TRUST_PROXY: '10.0.0.0/40' })).rejects.toThrow(
      /TRUST_PROXY entry "10.0.0.0\/40"/,
    )
    await expect(buildTestApp({ TRUST_PROXY: 'ingress-nginx!' })).rejects.toThrow(
      /^Invalid configuration: TRUST_PROXY must be off, a hop count/,
    )
  })
})
