/**
 * Access control in the production entry with two workers (node dist/server.js, real processes, fresh
 * connections so both workers answer): a key's tier (rate_per_minute) holds for the whole instance through
 * the fast lane, refusals are the same from either worker, the log names the key (never the key itself),
 * and a short key stops start-up in the primary with one line naming the variable.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { send } from '../../dev/harness/http-client.js'
import { ensureBuilt, parsed, type Running, startServer, waitFor200 } from '../server/process.js'

const hex = (s: string) => createHash('sha256').update(s).digest('hex')
const TIER_KEY = 'cluster-tier-key-0123456789'
const READ_KEY = 'cluster-read-key-0123456789'
const ROW = { input: [[5.1, 3.5, 1.4, 0.2]] }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

let server: Running
beforeAll(async () => {
  ensureBuilt()
  const dir = mkdtempSync(join(tmpdir(), 'auth-cluster-'))
  const file = join(dir, 'keys.json')
  writeFileSync(
    file,
    JSON.stringify([
      { name: 'tier-twenty', sha256: hex(TIER_KEY), scopes: ['predict'], rate_per_minute: 20 },
      { name: 'reader', sha256: hex(READ_KEY), scopes: ['read'] },
    ]),
  )
  server = await startServer({
    WORKERS: '2',
    STANDBY_WORKERS: '0',
    API_KEYS_FILE: file,
    // A loaded test machine may starve the primary past the production default (100 ms).
    RATE_LIMIT_STORE_TIMEOUT_MS: '1000',
  })
  await waitFor200(`${server.base}/health/ready`, 10, 60_000, server)
}, 180_000)
afterAll(async () => {
  await server?.stop()
})

describe('two workers with API_KEYS_FILE', () => {
  it("a key's tier holds for the whole instance: exactly 20 of 30 rapid requests succeed", async () => {
    // One minute-long window must hold all 30 requests.
    const left = 60_000 - (Date.now() % 60_000)
    if (left < 15_000) await sleep(left + 50)
    const replies = await Promise.all(
      Array.from({ length: 30 }, () =>
        send(server.base, '/predict', { body: ROW, headers: { 'x-api-key': TIER_KEY } }),
      ),
    )
    const statuses = replies.map((r) => r.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(20)
    expect(statuses.filter((s) => s === 429)).toHaveLength(10)
    const refused = replies.find((r) => r.status === 429)!
    expect(refused.headers['ratelimit-policy']).toBe('"tier";q=20;w=60')
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
  })

  it('refuses the same way from every worker: 401 without a key, 403 for a key without the scope', async () => {
    for (let i = 0; i < 6; i++) {
      const none = await send(server.base, '/predict', { body: ROW })
      expect(none.status).toBe(401)
      expect(none.headers['www-authenticate']).toBe('Bearer realm="iris-prediction-service"')
      const reader = await send(server.base, '/predict', { body: ROW, headers: { 'x-api-key': READ_KEY } })
      expect(reader.status).toBe(403)
      expect((await send(server.base, '/model', { headers: { 'x-api-key': READ_KEY } })).status).toBe(200)
    }
  })

  it('names the key in the log lines of both workers, never the key', async () => {
    const lines = parsed(server.lines).filter((l) => l.message === 'Request completed')
    const named = lines.filter((l) => (l.request_metrics as { client?: string }).client === 'tier-twenty')
    expect(named.length).toBeGreaterThanOrEqual(20)
    expect(server.lines.join('\n')).not.toContain(TIER_KEY)
    expect(server.lines.join('\n')).not.toContain(hex(TIER_KEY))
  })
})

describe('start-up', () => {
  it('a key shorter than 16 characters stops the primary with one line naming API_KEYS, not the key', async () => {
    const bad = await startServer({ WORKERS: '2', API_KEYS: 'tiny-secret' })
    const { code } = await bad.exited
    expect(code).toBe(1)
    const text = bad.stderr.join('')
    expect(text).toMatch(/API_KEYS: key 1 of 1 has 11 characters; each key needs at least 16/)
    expect(text).not.toContain('tiny-secret')
    expect(text.trim().split('\n')).toHaveLength(1)
  }, 60_000)
})
