/**
 * Rate limiting in the Fastify app: our own limiter (./rate-limiter.ts) over a pluggable store (this
 * process, the cluster primary, or Redis: ./rate-limit-store.ts), not @fastify/rate-limit: one lookup per
 * request, a 429 that goes through the app's error handler (logged and shaped like every other error), and
 * the same code in the fast lane.
 *
 * Who is counted: an authenticated client by its principal (its tier's quota, else RATE_LIMIT_MAX per
 * RATE_LIMIT_WINDOW_S), anyone else by address (request.ip, which honours TRUST_PROXY). Failed
 * authentications count against the address too; once it is over its quota it is refused before any
 * credential is checked, so keys cannot be guessed faster than the limit. Health probes are never limited:
 * an orchestrator must always see the truth. Decided on the matched route, not on the URL text.
 */
import type { IncomingMessage } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Registry } from 'prom-client'
import type { Config } from '../../config.js'
import { HttpError } from '../errors.js'
import { type LimitPolicy, refusalMessage, setRateLimitHeaders } from './rate-limit-headers.js'
import { RedisLimiterStore } from './rate-limit-redis.js'
import { type Decision, type LimiterStore, MemoryStore } from './rate-limit-store.js'
import { type LimiterLog, RateLimiter } from './rate-limiter.js'
import { clientAddress, parseTrustProxy, type TrustFunction } from './trust-proxy.js'

export interface RateLimitOptions {
  /** Requests allowed per client per window; 0 = only clients with a tier are limited. */
  max: number
  windowMs: number
  /** The limiter (built by createRateLimiter); default: one counting in this process when max > 0. */
  limiter?: RateLimiter
  /** TRUST_PROXY, to find the address of a refused credential from the raw request (as request.ip does). */
  trust?: TrustFunction
}

export interface RateLimiterDeps {
  /** The cluster worker's store (src/server/rate-limit-worker.ts); used unless REDIS_URL is set. */
  store?: LimiterStore
  logger?: LimiterLog
  registry?: Registry
}

/**
 * The limiter for this config, or undefined when no request can be limited (RATE_LIMIT_MAX=0 and no key
 * file that could give a key its tier). With REDIS_URL, counts go to Redis (waiting up to a second for the
 * connection, never failing start-up: until Redis answers, RATE_LIMIT_ON_STORE_ERROR applies).
 */
export async function createRateLimiter(
  config: Config,
  deps: RateLimiterDeps = {},
): Promise<RateLimiter | undefined> {
  if (config.RATE_LIMIT_MAX === 0 && config.API_KEYS_FILE === '') return undefined
  let store: LimiterStore
  if (config.REDIS_URL !== '') {
    const redis = new RedisLimiterStore({
      url: config.REDIS_URL,
      timeoutMs: config.RATE_LIMIT_STORE_TIMEOUT_MS,
    })
    await redis.ready(1000)
    store = redis
  } else {
    store = deps.store ?? new MemoryStore()
  }
  return new RateLimiter(store, {
    max: config.RATE_LIMIT_MAX,
    windowMs: config.RATE_LIMIT_WINDOW_S * 1000,
    onStoreError: config.RATE_LIMIT_ON_STORE_ERROR,
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
    ...(deps.registry === undefined ? {} : { registry: deps.registry }),
  })
}

/** The plugin's rate-limit options for this config: the limiter (or none) and TRUST_PROXY's trust function. */
export async function rateLimitOptionsFrom(
  config: Config,
  deps: RateLimiterDeps = {},
): Promise<RateLimitOptions> {
  const trust = parseTrustProxy(config.TRUST_PROXY)
  return {
    max: config.RATE_LIMIT_MAX,
    windowMs: config.RATE_LIMIT_WINDOW_S * 1000,
    limiter: await createRateLimiter(config, deps),
    trust,
  }
}

function limiterOf(options: RateLimitOptions): RateLimiter | undefined {
  if (options.limiter !== undefined) return options.limiter
  if (options.max <= 0) return undefined
  options.limiter = new RateLimiter(new MemoryStore(), {
    max: options.max,
    windowMs: options.windowMs,
    onStoreError: 'open',
  })
  return options.limiter
}

/** Health probes, by the matched route. */
function exempt(request: FastifyRequest): boolean {
  const route = request.routeOptions.url
  return route !== undefined && (route.startsWith('/health') || route.startsWith('/v2/health'))
}

function refuse(reply: FastifyReply, policy: LimitPolicy, d: Decision): HttpError {
  setRateLimitHeaders(reply, policy, d)
  return new HttpError(429, refusalMessage(policy, d))
}

/**
 * The callback for the auth hook's refusals (401): counts them against the client's address. Undefined
 * when no quota applies to addresses (RATE_LIMIT_MAX=0).
 */
export function failedAuthCounter(options: RateLimitOptions): ((raw: IncomingMessage) => void) | undefined {
  const limiter = limiterOf(options)
  if (limiter?.defaultPolicy === undefined) return undefined
  const trust = options.trust
  return (raw) => {
    const d = limiter.authFailed(clientAddress(raw, trust))
    // A promise never rejects (the limiter answers store failures itself); nothing waits for it.
    if (d instanceof Promise) d.catch(() => {})
  }
}

/**
 * Registered BEFORE the auth hook: an address that used up its quota (failed authentications included)
 * is refused here, so no credential is checked for it until its window ends.
 */
export function installFailedAuthGuard(app: FastifyInstance, options: RateLimitOptions): void {
  const limiter = limiterOf(options)
  const policy = limiter?.defaultPolicy
  if (limiter === undefined || policy === undefined) return
  app.addHook('onRequest', (request, reply, done) => {
    // request.ip runs the TRUST_PROXY rules: only worked out when some address is blocked.
    const d = !limiter.blocking || exempt(request) ? undefined : limiter.blocked(request.ip)
    done(d === undefined ? undefined : refuse(reply, policy, d))
  })
}

/** Registered AFTER the auth hook (it reads request.principal): counts every request that is not a probe. */
export function installRateLimit(app: FastifyInstance, options: RateLimitOptions): void {
  const limiter = limiterOf(options)
  if (limiter === undefined) return
  app.addHook('onClose', (_app, done) => {
    limiter.close().then(
      () => done(),
      () => done(),
    )
  })
  app.addHook('onRequest', (request, reply, done) => {
    if (exempt(request)) return done()
    const principal = request.principal
    const policy = limiter.policyFor(principal?.ratePerMinute)
    if (policy === undefined) return done()
    const client = principal === undefined ? `ip:${request.ip}` : principal.id
    const finish = (d: Decision) => {
      if (d.allowed) {
        setRateLimitHeaders(reply, policy, d)
        done()
      } else done(refuse(reply, policy, d))
    }
    const d = limiter.hit(client, policy)
    if (d instanceof Promise) d.then(finish)
    else finish(d)
  })
}

export { type LimitPolicy, rateLimitHeaders, refusalMessage, secondsLeft } from './rate-limit-headers.js'
export type { Decision, LimiterStore } from './rate-limit-store.js'
export { RateLimiter, type StoreErrorMode } from './rate-limiter.js'
export { clientAddress, parseTrustProxy, type TrustFunction } from './trust-proxy.js'
