/**
 * Rate tiers for bearer tokens (issue 16): the issuer names a token's tier in a claim, JWT_RATE_TIERS gives
 * each tier its requests per minute, exactly as rate_per_minute does for an API key. Over real HTTP, through
 * the fast lane and through Fastify (HTTP_FAST_LANE=false): both ways in apply the same limiter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../api/helper.js'
import { AUDIENCE, ISSUER, JwksServer, type SigningKey, signingKey, token } from '../support/jwks-server.js'
import { rawRequest } from './raw-http.js'

const ROW = JSON.stringify({ input: [[5.1, 3.5, 1.4, 0.2]] })
let issuer: JwksServer
let key: SigningKey

beforeAll(async () => {
  key = await signingKey('tiers-1')
  issuer = new JwksServer()
  await issuer.start([key])
})
afterAll(async () => {
  await issuer.stop()
})

/** Wait until the current minute has at least 5 s left, so a test's requests share one window. */
async function roomInMinute(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000)
  if (left < 5000) await new Promise((r) => setTimeout(r, left + 5))
}

describe.each([
  ['fast lane', 'true'],
  ['Fastify route', 'false'],
])('bearer-token rate tiers (%s)', (_way, fastLane) => {
  let t: TestApp
  let port: number
  beforeAll(async () => {
    t = await buildTestApp({
      JWT_JWKS_URL: issuer.url,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      JWT_RATE_TIERS: 'free=2, team=4',
      JWT_TIER_CLAIM: 'plan',
      RATE_LIMIT_MAX: '3',
      HTTP_FAST_LANE: fastLane,
    })
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    port = (t.app.server.address() as { port: number }).port
  })
  afterAll(async () => {
    await t.app.close()
  })

  const statuses = async (n: number, jwt: string) => {
    const out: number[] = []
    for (let i = 0; i < n; i++) {
      out.push((await rawRequest(port, 'POST', '/predict', { authorization: `Bearer ${jwt}` }, ROW)).status)
    }
    return out
  }

  it("gives each token its tier's quota, counted per subject; no tier or an unknown one gets RATE_LIMIT_MAX", async () => {
    await roomInMinute()
    const free = await token(key, { claims: { scope: 'predict', plan: 'free' }, sub: `free-${fastLane}` })
    const team = await token(key, { claims: { scope: 'predict', plan: 'team' }, sub: `team-${fastLane}` })
    const none = await token(key, { claims: { scope: 'predict' }, sub: `none-${fastLane}` })
    const gold = await token(key, { claims: { scope: 'predict', plan: 'gold' }, sub: `gold-${fastLane}` })
    const first = await rawRequest(port, 'POST', '/predict', { authorization: `Bearer ${team}` }, ROW)
    expect(first.status).toBe(200)
    expect(first.headers['ratelimit-policy']).toBe('"tier";q=4;w=60')
    expect(await statuses(4, team)).toEqual([200, 200, 200, 429])
    expect(await statuses(3, free)).toEqual([200, 200, 429])
    expect(await statuses(4, none)).toEqual([200, 200, 200, 429])
    expect(await statuses(4, gold)).toEqual([200, 200, 200, 429])
    // A second token of the same subject and tier shares the count: the limit follows `sub`, not the token.
    const again = await token(key, { claims: { scope: 'predict', plan: 'free' }, sub: `free-${fastLane}` })
    const refused = await rawRequest(port, 'POST', '/predict', { authorization: `Bearer ${again}` }, ROW)
    expect(refused.status).toBe(429)
    expect(refused.headers['retry-after']).toMatch(/^\d+$/)
  })
})
