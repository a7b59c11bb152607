/**
 * The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers, the Structured Fields form):
 *   RateLimit-Policy: "default";q=20;w=60     the quota: q requests per w seconds
 *   RateLimit: "default";r=7;t=42             r requests left, the window ends in t seconds
 * plus Retry-After on a 429. One function for Fastify replies and the fast lane's writeHead.
 */
import type { Decision } from './rate-limit-store.js'

/** A quota: `limit` requests per `windowMs`, with its header value rendered once. */
export interface LimitPolicy {
  readonly name: string
  readonly limit: number
  readonly windowMs: number
  /** The RateLimit-Policy value. */
  readonly header: string
}

export function limitPolicy(name: string, limit: number, windowMs: number): LimitPolicy {
  const w = Math.max(1, Math.ceil(windowMs / 1000))
  return { name, limit, windowMs, header: `"${name}";q=${limit};w=${w}` }
}

/** Whole seconds until the window ends, at least 1 (what Retry-After and t= carry). */
export function secondsLeft(d: Decision): number {
  return Math.max(1, Math.ceil(d.resetMs / 1000))
}

/**
 * The header fields for this decision as [name, value, name, value, ...] (writeHead's cheapest form).
 * A decision taken without the store (`degraded`, the store being down) states only the policy.
 */
export function rateLimitHeaders(policy: LimitPolicy, d: Decision): string[] {
  if (d.degraded === true) {
    return d.allowed
      ? ['ratelimit-policy', policy.header]
      : ['ratelimit-policy', policy.header, 'retry-after', String(secondsLeft(d))]
  }
  const t = secondsLeft(d)
  const out = ['ratelimit-policy', policy.header, 'ratelimit', `"${policy.name}";r=${d.remaining};t=${t}`]
  if (!d.allowed) out.push('retry-after', String(t))
  return out
}

/** Anything with a header(name, value) method: a Fastify reply. */
export interface HeaderTarget {
  header(name: string, value: string): unknown
}

export function setRateLimitHeaders(target: HeaderTarget, policy: LimitPolicy, d: Decision): void {
  const h = rateLimitHeaders(policy, d)
  for (let i = 0; i < h.length; i += 2) target.header(h[i] as string, h[i + 1] as string)
}

/** The 429 message: what the limit is and when to come back. */
export function refusalMessage(policy: LimitPolicy, d: Decision): string {
  const retry = secondsLeft(d)
  if (d.degraded === true) return `rate limit cannot be checked right now; retry after ${retry} s`
  return `rate limit exceeded: ${policy.limit} requests per ${policy.windowMs / 1000} s; retry after ${retry} s`
}
