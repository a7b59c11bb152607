/**
 * The fast lane with access control on (issue 16): keys with scopes and tiers, bearer tokens and rate
 * limits are checked in the lane by the same code as the Fastify hooks (security/lane-checks.ts), so the
 * lane stays on. Each request goes both ways, through app.inject (Fastify only) and through the server's
 * handler (lane first): same status, body and headers, and the lane really took it.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { InjectOptions, Response } from 'light-my-request'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { FastLane } from '../../src/api/fast-lane.js'
import { buildTestApp, injectServer, SETOSA, type TestApp } from '../api/helper.js'
import { AUDIENCE, ISSUER, JwksServer, type SigningKey, signingKey, token } from '../support/jwks-server.js'

const hex = (s: string) => createHash('sha256').update(s).digest('hex')
const PREDICT_KEY = 'predict-key-0123456789'
const READ_KEY = 'read-only-key-0123456789'
const TIER_KEY = 'tier-two-key-0123456789'
const BODY = JSON.stringify({ input: [SETOSA] })

let t: TestApp
let issuer: JwksServer
let key: SigningKey
beforeAll(async () => {
  key = await signingKey('lane-key')
  issuer = new JwksServer()
  await issuer.start([key])
  const dir = mkdtempSync(join(tmpdir(), 'lane-keys-'))
  const file = join(dir, 'keys.json')
  writeFileSync(
    file,
    JSON.stringify([
      { name: 'predictor', sha256: hex(PREDICT_KEY), scopes: ['predict'] },
      { name: 'reader', sha256: hex(READ_KEY), scopes: ['read'] },
      { name: 'tier-two', sha256: hex(TIER_KEY), scopes: ['predict'], rate_per_minute: 2 },
    ]),
  )
  t = await buildTestApp({
    API_KEYS_FILE: file,
    JWT_JWKS_URL: issuer.url,
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: AUDIENCE,
    RATE_LIMIT_MAX: '100000',
  })
})
afterAll(async () => {
  await t.app.close()
  await issuer.stop()
})

/** Status, body and headers but Date; the RateLimit field's count moves with every request. */
function comparable(res: Response) {
  const { date: _date, ratelimit: _count, ...headers } = res.headers
  return { status: res.statusCode, body: res.payload, headers }
}

async function viaLane(options: InjectOptions): Promise<{ res: Response; took: boolean }> {
  const taken: boolean[] = []
  const original = FastLane.prototype.handle
  const spy = vi.spyOn(FastLane.prototype, 'handle').mockImplementation(function (this: FastLane, req, res) {
    const took = original.call(this, req, res)
    taken.push(took)
    return took
  })
  try {
    return { res: await injectServer(t.app, options), took: taken.at(-1) === true }
  } finally {
    spy.mockRestore()
  }
}

async function bothWays(headers: Record<string, string>, payload = BODY) {
  const options: InjectOptions = {
    method: 'POST',
    url: '/predict',
    payload,
    headers: { 'content-type': 'application/json', 'x-request-id': 'lane-vs-fastify', ...headers },
  }
  const fastify = await t.app.inject(options)
  const lane = await viaLane(options)
  expect(lane.took).toBe(true)
  expect(comparable(lane.res)).toEqual(comparable(fastify))
  return lane.res
}

describe('the lane applies the same checks as the Fastify hooks', () => {
  it('no credential, a wrong key: 401 with the same challenge', async () => {
    expect((await bothWays({})).statusCode).toBe(401)
    const wrong = await bothWays({ 'x-api-key': 'wrong-key-0123456789' })
    expect(wrong.statusCode).toBe(401)
    expect(wrong.headers['www-authenticate']).toMatch(/error="invalid_token"/)
  })

  it('a key without the predict scope: 403 insufficient_scope', async () => {
    const res = await bothWays({ 'x-api-key': READ_KEY })
    expect(res.statusCode).toBe(403)
    expect(res.headers['www-authenticate']).toMatch(/error="insufficient_scope", scope="predict"/)
  })

  it('a good key: 200 with the RateLimit fields', async () => {
    const res = await bothWays({ authorization: `Bearer ${PREDICT_KEY}` })
    expect(res.statusCode).toBe(200)
    expect(res.headers['ratelimit-policy']).toBe('"default";q=100000;w=60')
  })

  it('bearer tokens: verified in the lane (first use waits for the check), refused with the reason', async () => {
    // Each way verifies its own fresh token: the first request of each is the not-yet-cached path.
    const first = await token(key, { claims: { scope: 'predict' }, sub: 'lane-client' })
    const second = await token(key, { claims: { scope: 'predict' }, sub: 'lane-client-2' })
    const fastify = await t.app.inject({
      method: 'POST',
      url: '/predict',
      payload: BODY,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${first}` },
    })
    const lane = await viaLane({
      method: 'POST',
      url: '/predict',
      payload: BODY,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${second}` },
    })
    expect([fastify.statusCode, lane.res.statusCode, lane.took]).toEqual([200, 200, true])
    expect((await bothWays({ authorization: `Bearer ${second}` })).statusCode).toBe(200)
    const expired = await token(key, { claims: { scope: 'predict' }, expiresIn: -30 })
    expect((await bothWays({ authorization: `Bearer ${expired}` })).statusCode).toBe(401)
  })

  it("a key's tier: the third request in the minute is a 429 with Retry-After, either way", async () => {
    const statuses: number[] = []
    for (let i = 0; i < 2; i++) {
      statuses.push(
        (
          await t.app.inject({
            method: 'POST',
            url: '/predict',
            payload: BODY,
            headers: { 'content-type': 'application/json', 'x-api-key': TIER_KEY },
          })
        ).statusCode,
      )
      const lane = await viaLane({
        method: 'POST',
        url: '/predict',
        payload: BODY,
        headers: { 'content-type': 'application/json', 'x-api-key': TIER_KEY },
      })
      expect(lane.took).toBe(true)
      statuses.push(lane.res.statusCode)
      if (lane.res.statusCode === 429) {
        expect(lane.res.headers['retry-after']).toMatch(/^\d+$/)
        expect(lane.res.headers['ratelimit-policy']).toBe('"tier";q=2;w=60')
      }
    }
    expect(statuses).toEqual([200, 200, 429, 429])
  })

  it('a refused credential wins over a bad body, as the hooks run before the body parser', async () => {
    expect((await bothWays({}, '{"input": [[1, 2')).statusCode).toBe(401)
    const token1 = await token(key, { claims: { scope: 'read' } })
    expect((await bothWays({ authorization: `Bearer ${token1}` }, 'not json')).statusCode).toBe(403)
    expect((await bothWays({ 'x-api-key': PREDICT_KEY }, 'not json')).statusCode).toBe(400)
  })
})

describe('with CORS on as well', () => {
  it('the lane answers requests without an Origin as Fastify does (Vary: Origin included), and leaves CORS requests to it', async () => {
    const cors = await buildTestApp({ API_KEYS: PREDICT_KEY, CORS_ORIGINS: 'https://app.example' })
    try {
      for (const headers of [{ 'x-api-key': PREDICT_KEY }, {}, { 'x-api-key': 'wrong-key-0123456789' }]) {
        const options: InjectOptions = {
          method: 'POST',
          url: '/predict',
          payload: BODY,
          headers: { 'content-type': 'application/json', 'x-request-id': 'cors-both-ways', ...headers },
        }
        const fastify = await cors.app.inject(options)
        const taken: boolean[] = []
        const original = FastLane.prototype.handle
        const spy = vi.spyOn(FastLane.prototype, 'handle').mockImplementation(function (
          this: FastLane,
          req,
          res,
        ) {
          const took = original.call(this, req, res)
          taken.push(took)
          return took
        })
        let lane: Response
        try {
          lane = await injectServer(cors.app, options)
        } finally {
          spy.mockRestore()
        }
        expect(taken).toEqual([true])
        expect(lane.headers.vary).toBe('Origin')
        expect(comparable(lane)).toEqual(comparable(fastify))
      }
      const browser = await injectServer(cors.app, {
        method: 'POST',
        url: '/predict',
        payload: BODY,
        headers: {
          'content-type': 'application/json',
          'x-api-key': PREDICT_KEY,
          origin: 'https://app.example',
        },
      })
      expect(browser.statusCode).toBe(200)
      expect(browser.headers['access-control-allow-origin']).toBe('https://app.example')
    } finally {
      await cors.app.close()
    }
  })
})
