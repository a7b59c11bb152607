import fc from 'fast-check'
import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { limitPolicy, rateLimitHeaders, refusalMessage } from './rate-limit-headers.js'
import { type Decision, type LimiterStore, MemoryStore } from './rate-limit-store.js'
import { RateLimiter, type RateLimiterOptions } from './rate-limiter.js'

/** A store whose health the test switches: `down` rejects (async) every hit. */
class SwitchStore implements LimiterStore {
  readonly kind = 'redis'
  down = false
  private readonly inner = new MemoryStore()
  async hit(client: string, limit: number, windowMs: number): Promise<Decision> {
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:6379')
    return this.inner.hit(client, limit, windowMs)
  }
  async close(): Promise<void> {}
}

function logSink() {
  const lines: { level: string; obj: object; msg: string }[] = []
  return {
    lines,
    logger: {
      warn: (obj: object, msg: string) => lines.push({ level: 'warn', obj, msg }),
      info: (obj: object, msg: string) => lines.push({ level: 'info', obj, msg }),
    },
  }
}

const base: RateLimiterOptions = { max: 3, windowMs: 60_000, onStoreError: 'open' }

async function metric(registry: Registry, name: string): Promise<string> {
  return (await registry.metrics())
    .split('\n')
    .filter((l) => l.startsWith(name))
    .join('\n')
}

describe('MemoryStore', () => {
  it('drops a window’s counts when the next window starts', () => {
    let now = 10_000
    const store = new MemoryStore(100, () => now)
    expect(store.hit('c', 1, 1000)).toEqual({ allowed: true, remaining: 0, resetMs: 1000 })
    now = 10_999
    expect(store.hit('c', 1, 1000)).toEqual({ allowed: false, remaining: 0, resetMs: 1 })
    now = 11_000
    expect(store.hit('c', 1, 1000).allowed).toBe(true)
  })

  it('agrees with a plain model of fixed windows on any sequence of requests', () => {
    const hit = fc.record({
      client: fc.constantFrom('a', 'b', 'c'),
      limit: fc.integer({ min: 1, max: 4 }),
      windowMs: fc.constantFrom(100, 250, 1000),
      advance: fc.integer({ min: 0, max: 300 }),
    })
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.array(hit, { maxLength: 60 }), (start, hits) => {
        let now = start
        const store = new MemoryStore(100, () => now)
        const seen = new Map<string, number>() // "client window windowStart" -> count
        for (const h of hits) {
          now += h.advance
          const windowStart = now - (now % h.windowMs)
          const key = `${h.client} ${h.windowMs} ${windowStart}`
          const count = (seen.get(key) ?? 0) + 1
          seen.set(key, count)
          expect(store.hit(h.client, h.limit, h.windowMs)).toEqual({
            allowed: count <= h.limit,
            remaining: Math.max(0, h.limit - count),
            resetMs: windowStart + h.windowMs - now,
          })
        }
      }),
    )
  })

  it('bounds its memory: clients beyond the cap share one bucket', () => {
    const store = new MemoryStore(2, () => 0)
    expect(store.hit('a', 2, 60_000).allowed).toBe(true)
    expect(store.hit('b', 2, 60_000).allowed).toBe(true)
    // c and d are beyond the cap: they share the overflow bucket.
    expect(store.hit('c', 2, 60_000).allowed).toBe(true)
    expect(store.hit('d', 2, 60_000).allowed).toBe(true)
    expect(store.hit('e', 2, 60_000).allowed).toBe(false)
    expect(store.hit('a', 2, 60_000).allowed).toBe(true)
  })
})

describe('RateLimiter', () => {
  it('uses RATE_LIMIT_MAX unless the client has a tier; no default when it is 0', () => {
    const limiter = new RateLimiter(new MemoryStore(), base)
    expect(limiter.policyFor()).toMatchObject({ limit: 3, windowMs: 60_000, header: '"default";q=3;w=60' })
    expect(limiter.policyFor(600)).toMatchObject({
      limit: 600,
      windowMs: 60_000,
      header: '"tier";q=600;w=60',
    })
    expect(limiter.policyFor(600)).toBe(limiter.policyFor(600))
    const tiersOnly = new RateLimiter(new MemoryStore(), { ...base, max: 0 })
    expect(tiersOnly.policyFor()).toBeUndefined()
    expect(tiersOnly.policyFor(5)?.limit).toBe(5)
  })

  it('answers synchronously with a local store', () => {
    const limiter = new RateLimiter(new MemoryStore(), base)
    const d = limiter.hit('ip:1', limiter.defaultPolicy!)
    expect(d).not.toBeInstanceOf(Promise)
    expect(d).toMatchObject({ allowed: true, remaining: 2 })
  })

  it('fails open when the store fails: allowed, degraded, one warning per outage, one line when back', async () => {
    const store = new SwitchStore()
    const { lines, logger } = logSink()
    const registry = new Registry()
    const limiter = new RateLimiter(store, { ...base, logger, registry })
    const policy = limiter.defaultPolicy!
    store.down = true
    for (let i = 0; i < 5; i++) {
      expect(await limiter.hit('ip:1', policy)).toMatchObject({ allowed: true, degraded: true })
    }
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: 'warn', obj: { store: 'redis', on_store_error: 'open' } })
    expect(lines[0]!.msg).toMatch(/unavailable: requests are let through/)
    expect(await metric(registry, 'iris_rate_limit_store_errors_total')).toContain(
      'iris_rate_limit_store_errors_total{store="redis"} 5',
    )
    expect(await metric(registry, 'iris_rate_limit_store_up')).toContain(
      'iris_rate_limit_store_up{store="redis"} 0',
    )
    store.down = false
    expect(await limiter.hit('ip:1', policy)).toEqual({
      allowed: true,
      remaining: 2,
      resetMs: expect.any(Number),
    })
    await limiter.hit('ip:1', policy)
    expect(lines.map((l) => l.level)).toEqual(['warn', 'info'])
    expect(lines[1]!.msg).toBe('Rate-limit store available again')
    expect(await metric(registry, 'iris_rate_limit_store_up')).toContain(
      'iris_rate_limit_store_up{store="redis"} 1',
    )
    // A second outage is a second warning.
    store.down = true
    await limiter.hit('ip:1', policy)
    await limiter.hit('ip:1', policy)
    expect(lines.map((l) => l.level)).toEqual(['warn', 'info', 'warn'])
  })

  it('fails closed when told to: refused for a few seconds, counted as a store_error rejection', async () => {
    const store = new SwitchStore()
    const registry = new Registry()
    const limiter = new RateLimiter(store, {
      ...base,
      onStoreError: 'closed',
      registry,
      logger: logSink().logger,
    })
    store.down = true
    const d = await limiter.hit('ip:1', limiter.defaultPolicy!)
    expect(d).toEqual({ allowed: false, remaining: 0, resetMs: 5000, degraded: true })
    expect(refusalMessage(limiter.defaultPolicy!, d)).toBe(
      'rate limit cannot be checked right now; retry after 5 s',
    )
    expect(await metric(registry, 'iris_rate_limit_rejections_total')).toContain(
      'iris_rate_limit_rejections_total{reason="store_error"} 1',
    )
  })

  it('a store that throws synchronously is a store failure too, never an exception', () => {
    const throwing: LimiterStore = {
      kind: 'broken',
      hit: () => {
        throw new Error('boom')
      },
      close: async () => {},
    }
    const limiter = new RateLimiter(throwing, { ...base, logger: logSink().logger })
    expect(limiter.hit('ip:1', limiter.defaultPolicy!)).toMatchObject({ allowed: true, degraded: true })
  })

  it('remembers an address that used up its quota by failed authentications, until the window ends', () => {
    let now = 1_000_000
    const store = new MemoryStore(100, () => now)
    const { lines, logger } = logSink()
    const limiter = new RateLimiter(store, { ...base, logger }, () => now)
    expect(limiter.blocked('10.0.0.9')).toBeUndefined()
    limiter.authFailed('10.0.0.9')
    limiter.authFailed('10.0.0.9')
    expect(limiter.blocked('10.0.0.9')).toBeUndefined()
    // The third failure uses the last request of the quota: the address is refused from now on.
    expect(limiter.authFailed('10.0.0.9')).toMatchObject({ allowed: true, remaining: 0 })
    expect(limiter.blocked('10.0.0.9')).toMatchObject({ allowed: false, remaining: 0, resetMs: 20_000 })
    expect(limiter.blocked('10.0.0.8')).toBeUndefined()
    // One warning naming the address, however many attempts follow in the window.
    limiter.authFailed('10.0.0.9')
    expect(lines).toEqual([
      {
        level: 'warn',
        obj: { client_address: '10.0.0.9', retry_after_s: 20 },
        msg: 'Failed authentications used up the quota of this address: refused until its window ends',
      },
    ])
    now += 20_000
    expect(limiter.blocked('10.0.0.9')).toBeUndefined()
  })

  it('counts failed authentications in the address’s own bucket (shared with its anonymous requests)', () => {
    const limiter = new RateLimiter(new MemoryStore(), base)
    limiter.hit('ip:10.0.0.7', limiter.defaultPolicy!)
    limiter.hit('ip:10.0.0.7', limiter.defaultPolicy!)
    expect(limiter.authFailed('10.0.0.7')).toMatchObject({ remaining: 0 })
    expect(limiter.blocked('10.0.0.7')?.allowed).toBe(false)
  })

  it('does not count failed authentications when no default quota is set', () => {
    const limiter = new RateLimiter(new MemoryStore(), { ...base, max: 0 })
    expect(limiter.authFailed('10.0.0.9')).toBeUndefined()
  })
})

describe('RateLimit header fields', () => {
  const policy = limitPolicy('default', 20, 60_000)
  it('state the policy, what is left and when the window ends', () => {
    expect(rateLimitHeaders(policy, { allowed: true, remaining: 7, resetMs: 41_200 })).toEqual([
      'ratelimit-policy',
      '"default";q=20;w=60',
      'ratelimit',
      '"default";r=7;t=42',
    ])
  })
  it('add Retry-After to a refusal, at least 1 s', () => {
    expect(rateLimitHeaders(policy, { allowed: false, remaining: 0, resetMs: 10 })).toEqual([
      'ratelimit-policy',
      '"default";q=20;w=60',
      'ratelimit',
      '"default";r=0;t=1',
      'retry-after',
      '1',
    ])
  })
  it('state only the policy when the store could not be asked', () => {
    expect(
      rateLimitHeaders(policy, { allowed: true, remaining: 20, resetMs: 60_000, degraded: true }),
    ).toEqual(['ratelimit-policy', '"default";q=20;w=60'])
    expect(rateLimitHeaders(policy, { allowed: false, remaining: 0, resetMs: 5000, degraded: true })).toEqual(
      ['ratelimit-policy', '"default";q=20;w=60', 'retry-after', '5'],
    )
  })
  it('render sub-second windows as 1 s and name the quota in the message', () => {
    expect(limitPolicy('default', 2, 500).header).toBe('"default";q=2;w=1')
    expect(refusalMessage(policy, { allowed: false, remaining: 0, resetMs: 3000 })).toBe(
      'rate limit exceeded: 20 requests per 60 s; retry after 3 s',
    )
  })
})
