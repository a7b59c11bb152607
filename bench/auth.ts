/**
 * `npx tsx bench/auth.ts`: what the access check costs per request, in process (no HTTP): the Gate's
 * decision for an open route, an API key (SHA-256 + one Map lookup), a bearer token already verified
 * (the cache: one Map lookup on the token) and a token's first verification (RS256 signature and claims
 * with jose, keys from a local JWKS served here). Prints microseconds per check, median of 5 rounds.
 * Env: BENCH_ITERATIONS (default 200,000 for the cheap checks; the signature check does 1/100 of that).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { KeyStore } from '../src/api/security/api-keys-store.js'
import { Gate } from '../src/api/security/auth.js'
import { JwtVerifier } from '../src/api/security/jwt.js'

const N = Number(process.env.BENCH_ITERATIONS ?? 200_000)
const ROUNDS = 5
const KEY = 'bench-key-0123456789abcdef'
const ISSUER = 'https://issuer.bench/'
const AUDIENCE = 'iris-api'

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number

/** Microseconds per call of `fn` (sync or async), median over ROUNDS rounds of `n` calls. */
async function perCall(n: number, fn: (i: number) => unknown): Promise<number> {
  const rounds: number[] = []
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now()
    for (let i = 0; i < n; i++) {
      const out = fn(i)
      if (out instanceof Promise) await out
    }
    rounds.push(((performance.now() - start) * 1000) / n)
  }
  return median(rounds)
}

async function main(): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' }
  const jwks = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ keys: [jwk] }))
  })
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`
  const log = { warn: (f: object, m: string) => console.error(m, f) }
  const jwt = new JwtVerifier({ jwksUrl: url, issuer: ISSUER, audience: AUDIENCE, cacheMax: 1_000_000 }, log)
  const keys = new KeyStore({ apiKeys: KEY, adminApiKeys: '', apiKeysFile: '', adminApiKeysFile: '' })
  const gate = new Gate({ keys, jwt, metricsRequireKey: false })

  const sign = (sub: string) =>
    new SignJWT({ scope: 'predict read' })
      .setProtectedHeader({ alg: 'RS256', kid: 'bench' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(sub)
      .setExpirationTime('10m')
      .sign(privateKey)
  const cachedToken = await sign('cached-client')
  await gate.check({ authorization: `Bearer ${cachedToken}` }, 'predict', 'POST') // verified once: cached
  const fresh = await Promise.all(
    Array.from({ length: Math.ceil(N / 100) * ROUNDS }, (_, i) => sign(`c${i}`)),
  )

  const open = await perCall(N, () => gate.check({}, 'open', 'GET'))
  const key = await perCall(N, () => gate.check({ 'x-api-key': KEY }, 'predict', 'POST'))
  // Header objects as a server builds them: a new string per request (no interned fast path).
  const headers = Array.from({ length: 1000 }, () => ({ authorization: `Bearer ${cachedToken.slice(0)}` }))
  const cached = await perCall(N, (i) => gate.check(headers[i % 1000]!, 'predict', 'POST'))
  let next = 0
  const first = await perCall(Math.ceil(N / 100), () =>
    gate.check({ authorization: `Bearer ${fresh[next++]}` }, 'predict', 'POST'),
  )
  console.log(`auth check per request (median of ${ROUNDS} rounds), in microseconds:`)
  console.log(`  open route (no credential needed)       ${open.toFixed(3)}`)
  console.log(`  API key (SHA-256 + Map lookup)          ${key.toFixed(3)}`)
  console.log(`  bearer token, verified before (cached)  ${cached.toFixed(3)}`)
  console.log(`  bearer token, first verification RS256  ${first.toFixed(1)}`)
  jwt.stop()
  jwks.close()
}

await main()
