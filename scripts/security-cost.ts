/**
 * `npx tsx scripts/security-cost.ts [seconds]`: what the security features cost per request (docs/RELIABILITY.md).
 * One process, one Fastify instance per variant on 127.0.0.1, autocannon at 16 connections, variants run
 * alternately (ROUNDS, default 3) and the median req/s kept. Part 1: the real app (one-row /predict) with keys
 * and/or our rate limiter on; part 2: a fixed-reply route with helmet, our limiter and @fastify/rate-limit.
 */
import rateLimit from '@fastify/rate-limit'
import autocannon from 'autocannon'
import Fastify, { type FastifyInstance } from 'fastify'
import { installSecurityHeaders, securityHeaderSets } from '../src/api/security/headers.js'
import { installRateLimit } from '../src/api/security/rate-limit.js'
import { buildTestApp } from '../test/api/helper.js'

const SECONDS = Number(process.argv[2] ?? 4)
const ROW = JSON.stringify({ input: [[5.1, 3.5, 1.4, 0.2]] })

async function measure(
  app: FastifyInstance,
  path: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const r = await autocannon({
    url: `${address}${path}`,
    method: 'POST',
    body: ROW,
    headers: { 'content-type': 'application/json', ...headers },
    connections: 16,
    duration: SECONDS,
  })
  await app.close()
  if (r.non2xx + r.errors > 0) throw new Error(`${path}: ${r.non2xx} non-2xx, ${r.errors} errors`)
  return r.requests.average
}

async function bare(kind: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  if (kind === 'helmet')
    await installSecurityHeaders(app, {
      corsOrigins: [],
      headerSets: await securityHeaderSets({ corsOrigins: [] }),
    })
  if (kind === 'our limiter') installRateLimit(app, { max: 1e9, windowMs: 60_000 })
  if (kind === '@fastify/rate-limit') await app.register(rateLimit, { max: 1e9, timeWindow: 60_000 })
  app.post('/x', async () => ({ prediction: ['setosa'] }))
  return app
}

const variants: [string, () => Promise<number>][] = [
  [
    'app: default (helmet, no keys, no limit)',
    async () => measure((await buildTestApp({ LOG_LEVEL: 'silent' })).app, '/predict'),
  ],
  [
    'app: API_KEYS (X-API-Key)',
    async () =>
      measure((await buildTestApp({ LOG_LEVEL: 'silent', API_KEYS: 'k1,k2' })).app, '/predict', {
        'x-api-key': 'k2',
      }),
  ],
  [
    'app: RATE_LIMIT_MAX=1e8',
    async () =>
      measure((await buildTestApp({ LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '100000000' })).app, '/predict'),
  ],
  [
    'app: keys + rate limit',
    async () =>
      measure(
        (await buildTestApp({ LOG_LEVEL: 'silent', API_KEYS: 'k1', RATE_LIMIT_MAX: '100000000' })).app,
        '/predict',
        { 'x-api-key': 'k1' },
      ),
  ],
  ['fixed reply: nothing', async () => measure(await bare('none'), '/x')],
  ['fixed reply: helmet', async () => measure(await bare('helmet'), '/x')],
  ['fixed reply: our limiter', async () => measure(await bare('our limiter'), '/x')],
  ['fixed reply: @fastify/rate-limit', async () => measure(await bare('@fastify/rate-limit'), '/x')],
]

const runs = new Map<string, number[]>()
for (let round = 0; round < Number(process.env.ROUNDS ?? 3); round++) {
  for (const [name, run] of variants) runs.set(name, [...(runs.get(name) ?? []), await run()])
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const base = { app: median(runs.get(variants[0]![0])!), fixed: median(runs.get(variants[4]![0])!) }
for (const [name] of variants) {
  const rps = median(runs.get(name)!)
  const ref = name.startsWith('app') ? base.app : base.fixed
  console.log(
    `${name.padEnd(42)} ${rps.toFixed(0).padStart(7)} req/s  ${((rps / ref - 1) * 100).toFixed(1).padStart(6)} %`,
  )
}
