/**
 * Rate-limit counts in Redis, shared by every instance (pod) pointing at the same REDIS_URL.
 * One atomic Lua script per request: it reads Redis's own clock (so instances with skewed clocks still
 * agree on the window), starts a new fixed window or increments the current one, and sets the key's
 * expiry to the window's end. One key per client (a hash: window start, count), so it also works on a
 * Redis Cluster. Why fixed windows and a script: docs/decisions/019-rate-limit-stores.md.
 *
 * A slow or absent Redis must never hold a request: commands time out after `timeoutMs`, nothing is
 * queued while disconnected (enableOfflineQueue off: the command fails at once), and reconnection runs
 * in the background. Failures reject; the RateLimiter (./rate-limiter.ts) applies RATE_LIMIT_ON_STORE_ERROR.
 */
import { createHash } from 'node:crypto'
import { Redis } from 'ioredis'
import { type Decision, decide, type LimiterStore } from './rate-limit-store.js'

/** KEYS[1] = the client's key, ARGV[1] = window length in ms. Returns {count, ms until the window ends}. */
export const HIT_SCRIPT = `
local w = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local start = now - (now % w)
local left = start + w - now
local c
if tonumber(redis.call('HGET', KEYS[1], 's')) == start then
  c = redis.call('HINCRBY', KEYS[1], 'c', 1)
else
  redis.call('HSET', KEYS[1], 's', start, 'c', 1)
  redis.call('PEXPIRE', KEYS[1], left)
  c = 1
end
return {c, left}
`

export interface RedisStoreOptions {
  url: string
  /** Longest a command may take before the request goes on without it. */
  timeoutMs: number
  /** Prefix of every key this store writes. */
  keyPrefix?: string
}

type HitCommand = (key: string, windowMs: number) => Promise<[number, number]>

/** Client ids are short ("ip:10.0.0.1", "key:batch-team"); a long one (a JWT subject) is hashed. */
function keyPart(client: string): string {
  return client.length <= 128 ? client : `h:${createHash('sha256').update(client).digest('base64url')}`
}

export class RedisLimiterStore implements LimiterStore {
  readonly kind = 'redis'
  readonly redis: Redis
  private readonly prefix: string
  private readonly hitCommand: HitCommand

  constructor(options: RedisStoreOptions) {
    this.prefix = options.keyPrefix ?? 'iris:ratelimit:'
    this.redis = new Redis(options.url, {
      commandTimeout: options.timeoutMs,
      connectTimeout: Math.max(1000, options.timeoutMs),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Reconnect in the background: at once, then every 100 ms more, at most every 2 s.
      retryStrategy: (times: number) => Math.min(100 * times, 2000),
    })
    // Connection errors are reported through the failed commands (one log line per outage, by the limiter).
    this.redis.on('error', () => {})
    this.redis.defineCommand('irisRateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT })
    const command = (this.redis as unknown as Record<string, HitCommand>).irisRateLimitHit as HitCommand
    this.hitCommand = command.bind(this.redis)
  }

  /** Resolves once connected, or after `ms` whatever the state (start-up must not wait on Redis). */
  ready(ms: number): Promise<void> {
    if (this.redis.status === 'ready') return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.redis.off('ready', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.redis.once('ready', done)
    })
  }

  async hit(client: string, limit: number, windowMs: number): Promise<Decision> {
    // The window length is part of the key: counts for different quotas never reset each other.
    const [count, left] = await this.hitCommand(`${this.prefix}${windowMs}:${keyPart(client)}`, windowMs)
    return decide(count, limit, left)
  }

  async close(): Promise<void> {
    this.redis.disconnect(false)
  }
}
