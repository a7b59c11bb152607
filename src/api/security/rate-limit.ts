/**
 * Fixed-window rate limiting per API key (when keys are on) or per client IP. Our own rather than
 * @fastify/rate-limit: one Map lookup and an integer increment per request, a 429 that goes through the
 * app's error handler (so it is logged and shaped like every other error), and no per-route hooks.
 * Windows are aligned to the clock and the whole table is dropped when a window ends, so memory is bounded
 * by the clients seen in one window (and capped: overflow clients share one bucket).
 * Limits are per worker process: with W workers a client may get up to W x max per window.
 */
import type { FastifyInstance } from 'fastify'
import { HttpError } from '../errors.js'
import { pathOf } from '../recorder.js'

export interface RateLimitOptions {
  /** Requests allowed per client per window; 0 disables the limiter (the default). */
  max: number
  windowMs: number
  /** Most clients tracked per window before new ones share the overflow bucket. */
  maxClients?: number
}

export interface Decision {
  allowed: boolean
  remaining: number
  /** Milliseconds until the current window ends. */
  resetMs: number
}

const OVERFLOW = '\0overflow'

export class FixedWindowLimiter {
  private counts = new Map<string, number>()
  private windowStart = 0

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly maxClients = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  hit(client: string): Decision {
    const t = this.now()
    const start = t - (t % this.windowMs)
    if (start !== this.windowStart) {
      this.windowStart = start
      this.counts = new Map()
    }
    let key = client
    if (!this.counts.has(key) && this.counts.size >= this.maxClients) key = OVERFLOW
    const count = (this.counts.get(key) ?? 0) + 1
    this.counts.set(key, count)
    return {
      allowed: count <= this.max,
      remaining: Math.max(0, this.max - count),
      resetMs: start + this.windowMs - t,
    }
  }
}

/** Health probes are never limited: an orchestrator must always see the truth. */
function exempt(path: string): boolean {
  return path.startsWith('/health') || path.startsWith('/v2/health')
}

export function installRateLimit(app: FastifyInstance, options: RateLimitOptions): void {
  if (options.max <= 0) return
  const limiter = new FixedWindowLimiter(options.max, options.windowMs, options.maxClients)
  const limit = String(options.max)
  // Registered after auth, so apiKeyId is known; unauthenticated requests were already refused.
  app.addHook('onRequest', async (request, reply) => {
    if (exempt(pathOf(request.url))) return
    const client = request.apiKeyId === undefined ? `ip:${request.ip}` : `key:${request.apiKeyId}`
    const d = limiter.hit(client)
    const resetS = Math.max(1, Math.ceil(d.resetMs / 1000))
    reply.header('x-ratelimit-limit', limit)
    reply.header('x-ratelimit-remaining', String(d.remaining))
    reply.header('x-ratelimit-reset', String(resetS))
    if (!d.allowed) {
      reply.header('retry-after', String(resetS))
      throw new HttpError(
        429,
        `rate limit exceeded: ${limit} requests per ${options.windowMs / 1000} s; retry after ${resetS} s`,
      )
    }
  })
}
