/**
 * OAuth2 / OIDC bearer tokens over real HTTP (issue 16): a local issuer (test/support/jwks-server.ts) with
 * keys generated here serves its JWKS; the app verifies tokens with jose. Every refusal is a 401 whose
 * WWW-Authenticate says why (RFC 6750), a missing scope is 403 insufficient_scope, a key rotation is
 * followed, and an issuer that stops answering does not stall requests signed by keys already known.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JwtVerifier } from '../../src/api/security/jwt.js'
import { buildTestApp, requestLines, type TestApp } from '../api/helper.js'
import {
  AUDIENCE,
  hmacWithPublicKey,
  ISSUER,
  JwksServer,
  type SigningKey,
  signingKey,
  token,
  unsignedToken,
} from '../support/jwks-server.js'
import { rawRequest } from './raw-http.js'

const ROW = JSON.stringify({ input: [[5.1, 3.5, 1.4, 0.2]] })
let issuer: JwksServer
let key: SigningKey
let t: TestApp
let port: number

beforeAll(async () => {
  key = await signingKey('key-1')
  issuer = new JwksServer()
  await issuer.start([key])
  t = await buildTestApp({
    JWT_JWKS_URL: issuer.url,
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: AUDIENCE,
    JWT_JWKS_COOLDOWN_S: '0.05',
  })
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  port = (t.app.server.address() as { port: number }).port
})
afterAll(async () => {
  await t.app.close()
  await issuer.stop()
})

const predict = (jwt: string) => rawRequest(port, 'POST', '/predict', { authorization: `Bearer ${jwt}` }, ROW)

function expectInvalid(res: { status: number; headers: Record<string, string>; body: string }, why: RegExp) {
  expect(res.status).toBe(401)
  const challenge = res.headers['www-authenticate'] ?? ''
  expect(challenge).toMatch(
    /^Bearer realm="iris-prediction-service", error="invalid_token", error_description="/,
  )
  expect(challenge).toMatch(why)
  expect(JSON.parse(res.body).error).toMatch(why)
}

describe('bearer tokens (JWT_JWKS_URL, JWT_ISSUER, JWT_AUDIENCE)', () => {
  it('accepts a valid token with the scope, from `scope` or `scp`; logs the subject, never the token', async () => {
    const a = await token(key, { claims: { scope: 'predict read' }, sub: 'batch-client' })
    const ok = await predict(a)
    expect(ok.status).toBe(200)
    expect(JSON.parse(ok.body).prediction).toEqual(['setosa'])
    expect((await predict(a)).status).toBe(200) // the cached verification
    const b = await token(key, { claims: { scp: ['predict'] } })
    expect((await predict(b)).status).toBe(200)
    const c = await token(key, { claims: { scp: 'explain predict' } })
    expect((await predict(c)).status).toBe(200)
    expect(JSON.stringify(t.logs)).not.toContain(a.split('.')[2])
  })

  it('403 insufficient_scope when the token lacks the route scope', async () => {
    const jwt = await token(key, { claims: { scope: 'read' } })
    const res = await predict(jwt)
    expect(res.status).toBe(403)
    expect(res.headers['www-authenticate']).toMatch(/error="insufficient_scope", scope="predict"/)
    expect(JSON.parse(res.body).error).toMatch(/^insufficient_scope: this route needs the "predict" scope/)
    const admin = await rawRequest(port, 'POST', '/admin/reload', { authorization: `Bearer ${jwt}` }, '{}')
    expect(admin.status).toBe(403)
  })

  it.each([
    ['expired', () => token(key, { claims: { scope: 'predict' }, expiresIn: -60 }), /expired/],
    ['not yet valid', () => token(key, { claims: { scope: 'predict' }, notBefore: 120 }), /not valid yet/],
    [
      'wrong issuer',
      () => token(key, { claims: { scope: 'predict' }, issuer: 'https://evil.test/' }),
      /issuer/,
    ],
    ['wrong audience', () => token(key, { claims: { scope: 'predict' }, audience: 'other-api' }), /audience/],
    ['alg none', async () => unsignedToken('key-1'), /algorithm is not allowed/],
    ['HMAC with the public key', () => hmacWithPublicKey(key), /algorithm is not allowed/],
    [
      'bad signature',
      async () => {
        const good = await token(key, { claims: { scope: 'predict' } })
        const other = await token(key, { claims: { scope: 'predict admin' } })
        const [h, , s] = good.split('.')
        return `${h}.${other.split('.')[1]}.${s}`
      },
      /signature does not verify/,
    ],
    ['no sub', () => token(key, { claims: { scope: 'predict' }, sub: null }), /the token has no .sub. claim/],
  ])('refuses a token: %s (401 with the reason)', async (_name, make, why) => {
    expectInvalid(await predict(await make()), why)
  })

  it('refuses a token signed by a key the issuer does not publish (unknown kid)', async () => {
    const stranger = await signingKey('stranger')
    expectInvalid(await predict(await token(stranger, { claims: { scope: 'predict' } })), /unknown kid/)
  })

  it('answers a 1 MB token at once (431 from the HTTP parser), a 9 KB one with 401, never a parse', async () => {
    const huge = `eyJ${'a'.repeat(1 << 20)}.e30.x`
    // Node's HTTP parser answers 431 and closes the socket; a client still sending the header may instead
    // see the reset first (Node 24 closes sooner). Either way the server refused it before any parse.
    const outcome = await rawRequest(port, 'POST', '/predict', { authorization: `Bearer ${huge}` }, ROW).then(
      (res) => `status ${res.status}`,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ECONNRESET' || err.code === 'EPIPE') return 'connection reset by the server'
        throw err
      },
    )
    expect(['status 431', 'connection reset by the server']).toContain(outcome)
    expectInvalid(await predict(`eyJ${'a'.repeat(9000)}.e30.x`), /longer than 8192 characters/)
  })

  it('follows a key rotation: a token with the new kid makes the app refetch the JWKS', async () => {
    const next = await signingKey('key-2')
    issuer.rotate([next])
    const before = issuer.fetches
    await new Promise((r) => setTimeout(r, 60)) // past the cool-down
    expect((await predict(await token(next, { claims: { scope: 'predict' } }))).status).toBe(200)
    expect(issuer.fetches).toBe(before + 1)
    // The old key is gone from the issuer; a fresh token signed with it is refused after the refetch.
    await new Promise((r) => setTimeout(r, 60))
    expectInvalid(await predict(await token(key, { claims: { scope: 'predict' } })), /unknown kid/)
    key = next
  })

  it('keeps working on cached keys while the issuer hangs; an unknown kid then fails after the fetch timeout', async () => {
    issuer.hang()
    try {
      for (let i = 0; i < 3; i++) {
        const fresh = await token(key, { claims: { scope: 'predict' }, sub: `during-outage-${i}` })
        expect((await predict(fresh)).status).toBe(200)
      }
      await new Promise((r) => setTimeout(r, 60))
      const stranger = await signingKey('stranger-2')
      expectInvalid(await predict(await token(stranger, { claims: { scope: 'predict' } })), /unknown kid/)
    } finally {
      issuer.hang(false)
    }
    const refused = requestLines(t.logs).filter(
      (l) => (l.request_metrics as { status_code: number }).status_code === 401,
    )
    expect(refused.length).toBeGreaterThan(0)
  }, 15_000)
})

describe('the first request after start-up', () => {
  it('waits for the JWKS fetch under way instead of refusing the token', async () => {
    const slowKey = await signingKey('slow-1')
    const slow = new JwksServer()
    slow.delayMs = 300
    await slow.start([slowKey])
    const verifier = new JwtVerifier(
      { jwksUrl: slow.url, issuer: ISSUER, audience: AUDIENCE },
      { warn: () => {} },
    )
    try {
      verifier.start()
      const principal = await verifier.verify(
        await token(slowKey, { claims: { scope: 'predict' }, sub: 'early' }),
      )
      expect(principal).toMatchObject({ id: 'jwt:early', kind: 'jwt' })
      expect(slow.fetches).toBe(1)
    } finally {
      verifier.stop()
      await slow.stop()
    }
  })
})
