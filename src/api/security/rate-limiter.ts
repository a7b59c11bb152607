/**
 * The rate limiter the Fastify hook and the fast lane both call: a client id and its quota in, a decision
 * out (synchronous with the local store, a promise with the cluster or Redis store; it never rejects).
 *
 * - Quotas: a client's tier (`ratePerMinute` of its API key or token) or RATE_LIMIT_MAX per
 *   RATE_LIMIT_WINDOW_S; policies are built once per distinct quota.
 * - Store failures (Redis down or slow, the primary not answering) become RATE_LIMIT_ON_STORE_ERROR's
 *   answer: `open` lets the request through, `closed` refuses it with a 429. Never a 5xx. One warning when an
 *   outage starts and one line when it ends (not one per request); metrics count every failure.
 * - Failed authentications count against the client's address (key guessing is throttled like anything
 *   else). An address found over its quota is remembered here until its window ends, so the next attempt is
 *   refused before any key is checked (`blocked`), with no store round trip.
 */
import { Counter, Gauge, type Registry } from 'prom-client'
import { type LimitPolicy, limitPolicy } from './rate-limit-headers.js'
import type { Decision, LimiterStore } from './rate-limit-store.js'

export type StoreErrorMode = 'open' | 'closed'

/** What the limiter logs with (a pino logger fits). */
export interface LimiterLog {
  warn(obj: object, msg: string): void
  info(obj: object, msg: string): void
}

export interface RateLimiterOptions {
  /** RATE_LIMIT_MAX: requests per client per window; 0 = only clients with a tier are limited. */
  max: number
  windowMs: number
  onStoreError: StoreErrorMode
  logger?: LimiterLog
  /** Where the limiter's metrics go (the app's registry). */
  registry?: Registry
}

/** How long a client is told to wait when the store is down and the limiter fails closed. */
const CLOSED_RETRY_MS = 5000
/** Most addresses remembered as blocked; past it the table is dropped (the store still counts). */
const MAX_BLOCKED = 10_000

interface Metrics {
  storeErrors: Counter
  storeUp: Gauge
  rejections: Counter<'reason'>
}

function metricsIn(registry: Registry, store: string): Metrics {
  const storeUp = new Gauge({
    name: 'iris_rate_limit_store_up',
    help: 'Whether the rate-limit store answered its last request (1) or failed (0), by store',
    labelNames: ['store'],
    registers: [registry],
    aggregator: 'min',
  })
  storeUp.set({ store }, 1)
  const storeErrors = new Counter({
    name: 'iris_rate_limit_store_errors_total',
    help: 'Rate-limit store requests that failed or timed out, answered by RATE_LIMIT_ON_STORE_ERROR',
    labelNames: ['store'],
    registers: [registry],
  })
  storeErrors.inc({ store }, 0)
  const rejections = new Counter({
    name: 'iris_rate_limit_rejections_total',
    help: 'Requests refused with 429, by reason (limit: over the quota; store_error: store down, failing closed)',
    labelNames: ['reason'],
    registers: [registry],
  })
  return {
    storeErrors: storeErrors.labels({ store }) as unknown as Counter,
    storeUp: storeUp.labels({ store }) as unknown as Gauge,
    rejections,
  }
}

export class RateLimiter {
  /** RATE_LIMIT_MAX per window, or undefined when clients without a tier are not limited. */
  readonly defaultPolicy: LimitPolicy | undefined
  private readonly tiers = new Map<number, LimitPolicy>()
  private readonly blockedUntil = new Map<string, number>()
  private storeUp = true
  private readonly metrics: Metrics | undefined

  constructor(
    readonly store: LimiterStore,
    private readonly options: RateLimiterOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.defaultPolicy = options.max > 0 ? limitPolicy('default', options.max, options.windowMs) : undefined
    this.metrics = options.registry === undefined ? undefined : metricsIn(options.registry, store.kind)
  }

  /** The quota of a client with this tier (requests per minute), else the default; undefined = unlimited. */
  policyFor(ratePerMinute?: number): LimitPolicy | undefined {
    if (ratePerMinute === undefined || ratePerMinute <= 0) return this.defaultPolicy
    let p = this.tiers.get(ratePerMinute)
    if (p === undefined) {
      p = limitPolicy('tier', ratePerMinute, 60_000)
      this.tiers.set(ratePerMinute, p)
    }
    return p
  }

  /** Count one request of `client` under `policy`. Never throws or rejects. */
  hit(client: string, policy: LimitPolicy): Decision | Promise<Decision> {
    let result: Decision | Promise<Decision>
    try {
      result = this.store.hit(client, policy.limit, policy.windowMs)
    } catch (err) {
      return this.failed(err, policy)
    }
    if (result instanceof Promise) {
      return result.then(
        (d) => this.counted(d),
        (err: unknown) => this.failed(err, policy),
      )
    }
    return result.allowed ? result : this.counted(result)
  }

  /** A failed authentication from `address`: counted against it; over the quota, it is remembered. */
  authFailed(address: string): Decision | Promise<Decision> | undefined {
    const policy = this.defaultPolicy
    if (policy === undefined) return undefined
    const d = this.hit(`ip:${address}`, policy)
    return d instanceof Promise ? d.then((x) => this.remember(address, x)) : this.remember(address, d)
  }

  /** Whether any address is blocked now: callers skip working out the client's address when none is. */
  get blocking(): boolean {
    return this.blockedUntil.size > 0
  }

  /** A refusal for `address` if it went over its quota (by failed authentications) in this window. */
  blocked(address: string): Decision | undefined {
    const until = this.blockedUntil.get(address)
    if (until === undefined) return undefined
    const left = until - this.now()
    if (left <= 0) {
      this.blockedUntil.delete(address)
      return undefined
    }
    this.metrics?.rejections.inc({ reason: 'limit' })
    return { allowed: false, remaining: 0, resetMs: left }
  }

  close(): Promise<void> {
    return this.store.close()
  }

  /** Blocked once the quota is used up (remaining 0): the next request from there would be over it. */
  private remember(address: string, d: Decision): Decision {
    if (d.remaining === 0 && d.degraded !== true) {
      if (this.blockedUntil.size >= MAX_BLOCKED) this.blockedUntil.clear()
      const known = (this.blockedUntil.get(address) ?? 0) > this.now()
      this.blockedUntil.set(address, this.now() + d.resetMs)
      // One line per address and window (per process): who is guessing keys, by the address TRUST_PROXY names.
      if (!known) {
        this.options.logger?.warn(
          { client_address: address.slice(0, 100), retry_after_s: Math.max(1, Math.ceil(d.resetMs / 1000)) },
          'Failed authentications used up the quota of this address: refused until its window ends',
        )
      }
    }
    return d
  }

  /** A decision from the store: note a recovery, count a refusal. */
  private counted(d: Decision): Decision {
    if (!this.storeUp) {
      this.storeUp = true
      this.metrics?.storeUp.set(1)
      this.options.logger?.info({ store: this.store.kind }, 'Rate-limit store available again')
    }
    if (!d.allowed) this.metrics?.rejections.inc({ reason: 'limit' })
    return d
  }

  private failed(err: unknown, policy: LimitPolicy): Decision {
    this.metrics?.storeErrors.inc()
    const mode = this.options.onStoreError
    if (this.storeUp) {
      this.storeUp = false
      this.metrics?.storeUp.set(0)
      this.options.logger?.warn(
        {
          store: this.store.kind,
          err: err instanceof Error ? err.message.slice(0, 200) : String(err).slice(0, 200),
          on_store_error: mode,
        },
        `Rate-limit store unavailable: requests are ${mode === 'open' ? 'let through' : 'refused'} until it answers again`,
      )
    }
    if (mode === 'open')
      return { allowed: true, remaining: policy.limit, resetMs: policy.windowMs, degraded: true }
    this.metrics?.rejections.inc({ reason: 'store_error' })
    return {
      allowed: false,
      remaining: 0,
      resetMs: Math.min(CLOSED_RETRY_MS, policy.windowMs),
      degraded: true,
    }
  }
}
