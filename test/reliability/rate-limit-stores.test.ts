/**
 * One contract, every rate-limit store: this process's memory, a cluster worker asking the primary's table
 * (over an in-process channel that delivers like IPC, one turn later), and Redis (a real redis-server).
 * Then what only one store has: the worker's batching and timeout, Redis shared by two clients (two
 * instances), Redis killed, restarted, and stopped (slow).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisLimiterStore } from '../../src/api/security/rate-limit-redis.js'
import { type Decision, type LimiterStore, MemoryStore } from '../../src/api/security/rate-limit-store.js'
import { LeaseBook } from '../../src/server/rate-limit-leases.js'
import { grantBatch, LeasePrimary, type WorkerLink } from '../../src/server/rate-limit-primary.js'
import type { RateLimitAsk } from '../../src/server/rate-limit-protocol.js'
import { type Channel, ClusterLimiterStore } from '../../src/server/rate-limit-worker.js'
import { NO_REDIS, type RedisServer, redisBinary, startRedis } from '../support/redis-server.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Wait until the current `windowMs` window has at least `needMs` left, so a test's hits share one. */
async function roomInWindow(windowMs: number, needMs: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs)
  if (left < needMs) await sleep(left + 5)
}

/**
 * A primary and `n` workers in one process: every round trip takes one turn, as IPC would. The
 * primary is the real LeasePrimary over a LeaseBook; only the transport is replaced.
 */
function localCluster(n: number, options: { silent?: boolean; workers?: number } = {}) {
  const sent: RateLimitAsk[] = []
  const deliver = new Map<number, (msg: unknown) => void>()
  const link: WorkerLink = {
    send: (worker, msg) => {
      const to = deliver.get(worker)
      if (to === undefined) return false
      to(msg) // the ask itself was delivered one turn later: the round trip takes one turn, as over IPC
      return true
    },
  }
  const primary = new LeasePrimary(new LeaseBook(() => options.workers ?? n), link, 200)
  const channels = Array.from(
    { length: n },
    (_, id): Channel => ({
      send: (msg) => {
        if (msg.type === 'iris:ratelimit-ask') {
          sent.push(msg)
          if (options.silent) return
          setImmediate(() => primary.ask(id, msg))
        } else {
          setImmediate(() => primary.reclaimed(id, msg))
        }
      },
      listen: (onMessage) => {
        deliver.set(id, onMessage)
        return () => deliver.delete(id)
      },
    }),
  )
  return { channels, sent, primary }
}
const channelTo = (options: { silent?: boolean } = {}) => {
  const c = localCluster(1, options)
  return { channel: c.channels[0]!, sent: c.sent }
}

const redisPath = redisBinary()
let redis: RedisServer | undefined
let unique = 0
/** A client id no other test (or earlier run against the same Redis) has used. */
const client = (name: string) => `${name}:${process.pid}:${Date.now()}:${unique++}`

beforeAll(async () => {
  if (redisPath !== undefined) redis = await startRedis()
})
afterAll(async () => {
  await redis?.stop()
})

interface StoreCase {
  name: string
  make: () => Promise<LimiterStore>
}

const cases: StoreCase[] = [
  { name: 'memory', make: async () => new MemoryStore() },
  { name: 'cluster', make: async () => new ClusterLimiterStore(1000, channelTo().channel) },
  {
    name: 'redis',
    make: async () => {
      const store = new RedisLimiterStore({ url: redis!.url, timeoutMs: 1000 })
      await store.ready(5000)
      return store
    },
  },
]

describe.each(cases)('$name store: the shared contract', ({ name, make }) => {
  const skip = name === 'redis' && redisPath === undefined
  if (skip) console.warn(NO_REDIS)
  let store: LimiterStore
  beforeAll(async () => {
    if (!skip) store = await make()
  })
  afterAll(async () => {
    if (!skip) await store.close()
  })

  it.skipIf(skip)('allows exactly `limit` requests per window, counting down, then refuses', async () => {
    await roomInWindow(60_000, 5000)
    const c = client('countdown')
    const got: Decision[] = []
    for (let i = 0; i < 5; i++) got.push(await store.hit(c, 3, 60_000))
    expect(got.map((d) => d.allowed)).toEqual([true, true, true, false, false])
    expect(got.map((d) => d.remaining)).toEqual([2, 1, 0, 0, 0])
    for (const d of got) {
      expect(d.resetMs).toBeGreaterThan(0)
      expect(d.resetMs).toBeLessThanOrEqual(60_000)
    }
  })

  it.skipIf(skip)('counts each client apart', async () => {
    await roomInWindow(60_000, 5000)
    const [a, b] = [client('a'), client('b')]
    expect((await store.hit(a, 1, 60_000)).allowed).toBe(true)
    expect((await store.hit(a, 1, 60_000)).allowed).toBe(false)
    expect((await store.hit(b, 1, 60_000)).allowed).toBe(true)
  })

  it.skipIf(skip)('judges the same count against each call’s limit (tiers)', async () => {
    await roomInWindow(60_000, 5000)
    const c = client('tier')
    await store.hit(c, 2, 60_000)
    await store.hit(c, 2, 60_000)
    expect((await store.hit(c, 2, 60_000)).allowed).toBe(false)
    const wider = await store.hit(c, 10, 60_000)
    expect(wider).toMatchObject({ allowed: true, remaining: 6 })
  })

  it.skipIf(skip)('keeps windows of different lengths apart', async () => {
    await roomInWindow(60_000, 5000)
    const c = client('windows')
    expect((await store.hit(c, 1, 60_000)).allowed).toBe(true)
    expect((await store.hit(c, 1, 30_000)).allowed).toBe(true)
    expect((await store.hit(c, 1, 60_000)).allowed).toBe(false)
  })

  it.skipIf(skip)('allows exactly `limit` of many concurrent requests', async () => {
    await roomInWindow(60_000, 5000)
    const c = client('burst')
    const all = await Promise.all(Array.from({ length: 50 }, () => store.hit(c, 20, 60_000)))
    expect(all.filter((d) => d.allowed)).toHaveLength(20)
    expect(new Set(all.filter((d) => d.allowed).map((d) => d.remaining)).size).toBe(20)
  })

  it.skipIf(skip)('starts counting again when the window ends', async () => {
    const w = 500
    await roomInWindow(w, 350)
    const c = client('reset')
    expect((await store.hit(c, 1, w)).allowed).toBe(true)
    const refused = await store.hit(c, 1, w)
    expect(refused.allowed).toBe(false)
    expect(refused.resetMs).toBeLessThanOrEqual(w)
    await sleep(refused.resetMs + 30)
    expect((await store.hit(c, 1, w)).allowed).toBe(true)
  })
})

describe('cluster store (worker side, leases from the primary)', () => {
  it('asks once per turn for all waiting requests of a client, and answers each in order', async () => {
    const { channel, sent } = channelTo()
    const store = new ClusterLimiterStore(1000, channel)
    const c = client('batch')
    const all = await Promise.all(Array.from({ length: 100 }, () => store.hit(c, 30, 60_000)))
    expect(sent).toHaveLength(1)
    expect(sent[0]!.hits).toEqual([c, 60_000, 30, 100])
    expect(all.map((d) => d.allowed)).toEqual(Array.from({ length: 100 }, (_, i) => i < 30))
    expect(all.slice(0, 30).map((d) => d.remaining)).toEqual(Array.from({ length: 30 }, (_, i) => 29 - i))
    expect(store.pending).toBe(0)
    await store.close()
  })

  it('spends a lease without asking again: one ask for many sequential requests under a wide limit', async () => {
    await roomInWindow(60_000, 5000)
    const { channel, sent } = channelTo()
    const store = new ClusterLimiterStore(1000, channel)
    const c = client('lease')
    const first = await store.hit(c, 1000, 60_000)
    expect(first).toMatchObject({ allowed: true, remaining: 999 })
    // The lease is a quarter of the room (one worker): 249 more requests decided here, synchronously.
    expect(store.held(c, 60_000)).toBe(249)
    const sync = store.hit(c, 1000, 60_000)
    expect(sync).not.toBeInstanceOf(Promise)
    expect(sync).toMatchObject({ allowed: true, remaining: 998 })
    for (let i = 0; i < 248; i++) store.hit(c, 1000, 60_000)
    expect(sent).toHaveLength(1)
    expect(store.held(c, 60_000)).toBe(0)
    expect(await store.hit(c, 1000, 60_000)).toMatchObject({ allowed: true, remaining: 749 })
    expect(sent).toHaveLength(2)
    await store.close()
  })

  it("keeps a client's leases of different window lengths apart, and sweeps expired ones past its cap", async () => {
    await roomInWindow(60_000, 5000)
    let clock = Date.now()
    const { channel } = channelTo()
    const store = new ClusterLimiterStore(1000, channel, () => clock)
    const c = client('two-windows')
    expect(await store.hit(c, 1000, 60_000)).toMatchObject({ allowed: true, remaining: 999 })
    expect(await store.hit(c, 100, 30_000)).toMatchObject({ allowed: true, remaining: 99 })
    expect(store.held(c, 60_000)).toBe(249)
    expect(store.held(c, 30_000)).toBe(24)
    expect(store.hit(c, 1000, 60_000)).toMatchObject({ allowed: true, remaining: 998 })
    expect(store.held(c, 30_000)).toBe(24)
    // 50,001 clients hold leases (the cap is 50,000); once they have all expired, the next answer sweeps them.
    const many = Array.from({ length: 50_001 }, (_, i) => `${c}:${i}`)
    await Promise.all(many.map((m) => store.hit(m, 1000, 60_000)))
    expect(store.held(many[0]!, 60_000)).toBe(249)
    clock += 61_000
    await store.hit(client('after'), 1000, 60_000)
    expect(store.held(many[0]!, 60_000)).toBe(0)
    expect(store.held(many[50_000]!, 60_000)).toBe(0)
    expect(store.held(c, 30_000)).toBe(0)
    await store.close()
  })

  it('two workers: exactly the limit in all, however the requests are spread, leases taken back', async () => {
    for (const split of [
      (i: number) => i % 2, // round robin
      (i: number) => (i < 5 ? 0 : 1), // a few to one worker, which then holds a lease, the rest to the other
      (i: number) => (i % 7 === 0 ? 1 : 0),
    ]) {
      await roomInWindow(60_000, 5000)
      const { channels } = localCluster(2)
      const workers = channels.map((ch) => new ClusterLimiterStore(1000, ch))
      const c = client('two-workers')
      let allowed = 0
      // One at a time: each worker holds leases between requests, so refusals need the others' back.
      for (let i = 0; i < 60; i++) if ((await workers[split(i)]!.hit(c, 20, 60_000)).allowed) allowed++
      expect(allowed).toBe(20)
      // Concurrent bursts on both workers at once, in a fresh client.
      const d = client('two-workers-burst')
      const burst = await Promise.all(
        Array.from({ length: 90 }, (_, i) => workers[split(i)]!.hit(d, 37, 60_000)),
      )
      expect(burst.filter((x) => x.allowed)).toHaveLength(37)
      for (const w of workers) await w.close()
    }
  })

  it('two workers: every request of the quota is allowed, each worker counts its own remaining down', async () => {
    await roomInWindow(60_000, 5000)
    const { channels } = localCluster(2)
    const [a, b] = channels.map((ch) => new ClusterLimiterStore(1000, ch))
    const c = client('remaining')
    const seen: number[][] = [[], []]
    for (let i = 0; i < 40; i++) {
      const w = i % 3 === 0 ? 0 : 1
      const d = await [a!, b!][w]!.hit(c, 40, 60_000)
      expect(d.allowed).toBe(true)
      seen[w]!.push(d.remaining)
    }
    // An estimate with two workers (its lease plus the quota nobody held when it was granted): within the
    // limit.
    for (const r of seen.flat()) expect(r).toBeGreaterThanOrEqual(0)
    for (const r of seen.flat()) expect(r).toBeLessThan(40)
    expect((await a!.hit(c, 40, 60_000)).allowed).toBe(false)
    expect((await b!.hit(c, 40, 60_000)).allowed).toBe(false)
    await a!.close()
    await b!.close()
  })

  it('fails the ask, not the process, when the primary does not answer in time', async () => {
    const store = new ClusterLimiterStore(80, channelTo({ silent: true }).channel)
    const started = Date.now()
    await expect(store.hit('ip:10.0.0.1', 5, 60_000)).rejects.toThrow(/did not answer within 80 ms/)
    expect(Date.now() - started).toBeLessThan(1000)
    expect(store.pending).toBe(0)
    await store.close()
  })

  it('a worker stalled past the timeout still takes an answer that arrived meanwhile', async () => {
    const store = new ClusterLimiterStore(50, channelTo().channel)
    const decided = store.hit(client('stall'), 5, 60_000)
    // Runs right after the ask is sent: the answer and the timeout both fall due during this stall.
    setImmediate(() => {
      const until = Date.now() + 150
      while (Date.now() < until) {}
    })
    await expect(decided).resolves.toMatchObject({ allowed: true, remaining: 4 })
    await store.close()
  })

  it('fails at once when the channel is gone', async () => {
    const channel: Channel = {
      send: () => {
        throw new Error('channel closed')
      },
      listen: () => () => {},
    }
    const store = new ClusterLimiterStore(5000, channel)
    await expect(store.hit('ip:10.0.0.1', 5, 60_000)).rejects.toThrow(/channel closed/)
    await store.close()
  })

  it('the primary refuses a malformed ask instead of crashing', () => {
    const grants = grantBatch(new LeaseBook(), 0, [
      ...['ok', 1000, 5, 1],
      ...[42, 1000, 5, 1],
      ...['x', -5, 5, 1],
      ...['y', 1000, 5, 0],
      ...['z', 1000, 1.5, 1],
    ])
    expect(grants).toHaveLength(20)
    expect(grants[0]).toBe(2) // the one asked and a lease of a quarter of the 4 left
    for (const i of [4, 8, 12, 16]) expect(grants[i]).toBe(0)
  })
})

describe.skipIf(redisPath === undefined)('Redis store against a real redis-server', () => {
  it('two clients (two instances) share one count: exactly the limit in all', async () => {
    const [one, two] = [
      new RedisLimiterStore({ url: redis!.url, timeoutMs: 1000 }),
      new RedisLimiterStore({ url: redis!.url, timeoutMs: 1000 }),
    ]
    await Promise.all([one.ready(5000), two.ready(5000)])
    await roomInWindow(60_000, 5000)
    const c = client('shared')
    const all = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? one : two).hit(c, 20, 60_000)),
    )
    expect(all.filter((d) => d.allowed)).toHaveLength(20)
    await Promise.all([one.close(), two.close()])
  })

  it('sets an expiry on every key, so idle clients leave nothing behind', async () => {
    const store = new RedisLimiterStore({ url: redis!.url, timeoutMs: 1000, keyPrefix: 'iris:ttl-test:' })
    await store.ready(5000)
    await store.hit('ip:10.9.9.9', 5, 60_000)
    const keys = await store.redis.keys('iris:ttl-test:*')
    expect(keys).toEqual(['iris:ttl-test:60000:ip:10.9.9.9'])
    const ttl = await store.redis.pttl(keys[0]!)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(60_000)
    await store.close()
  })

  it('hashes an overlong client id into a bounded key', async () => {
    const store = new RedisLimiterStore({ url: redis!.url, timeoutMs: 1000, keyPrefix: 'iris:long-test:' })
    await store.ready(5000)
    const long = `jwt:${'x'.repeat(5000)}`
    await store.hit(long, 5, 60_000)
    expect((await store.hit(long, 5, 60_000)).remaining).toBe(3)
    const keys = await store.redis.keys('iris:long-test:*')
    expect(keys).toHaveLength(1)
    expect(keys[0]!.length).toBeLessThan(80)
    await store.close()
  })

  it('a stopped (unresponsive) Redis fails each hit within the command timeout', async () => {
    const own = await startRedis()
    const store = new RedisLimiterStore({ url: own.url, timeoutMs: 100 })
    await store.ready(5000)
    own.pause()
    try {
      const started = Date.now()
      await expect(store.hit('ip:10.0.0.1', 5, 60_000)).rejects.toThrow(/timed out/i)
      expect(Date.now() - started).toBeLessThan(1000)
    } finally {
      own.resume()
      await store.close()
      await own.stop()
    }
  })

  it('a killed Redis fails hits at once; a restarted one is used again', async () => {
    const own = await startRedis()
    const store = new RedisLimiterStore({ url: own.url, timeoutMs: 200 })
    await store.ready(5000)
    expect((await store.hit('ip:10.0.0.2', 5, 60_000)).allowed).toBe(true)
    await own.kill()
    const started = Date.now()
    await expect(store.hit('ip:10.0.0.2', 5, 60_000)).rejects.toThrow()
    expect(Date.now() - started).toBeLessThan(500)
    const again = await startRedis(own.port)
    try {
      await store.ready(10_000)
      // A fresh server: the count starts over.
      expect(await store.hit('ip:10.0.0.2', 5, 60_000)).toMatchObject({ allowed: true, remaining: 4 })
    } finally {
      await store.close()
      await again.stop()
    }
  })
})
