/**
 * The security hooks' checks, for the fast lane (../fast-lane.ts): the same Gate as the auth hook (keys,
 * bearer tokens, scopes of the matched route) and the same limiter as the rate-limit hooks (a blocked
 * address first, then the client's quota), in the same order, with the same answers. What the lane cannot
 * answer exactly as Fastify would goes to Fastify: a request with an Origin header when CORS is on (its
 * answer carries CORS headers).
 */
import type { IncomingMessage } from 'node:http'
import { HttpError } from '../errors.js'
import type { LaneChecks } from '../fast-lane.js'
import { AuthError, type Principal } from './auth.js'
import { stampClient } from './client-identity.js'
import type { SecurityOptions } from './index.js'
import { clientAddress, type Decision, rateLimitHeaders, refusalMessage } from './rate-limit.js'
import type { LimitPolicy } from './rate-limit-headers.js'
import type { Access } from './scopes.js'

/** A 429 carrying its RateLimit fields and Retry-After. */
class LaneRateLimited extends HttpError {
  constructor(
    message: string,
    readonly responseHeaders: readonly string[],
  ) {
    super(429, message)
  }
}

const NONE: readonly string[] = []

export function laneChecks(options: SecurityOptions): LaneChecks {
  const { gate, onAuthFailure } = options
  const cors = options.corsOrigins.length > 0
  const limiter = options.rateLimit.limiter
  const trust = options.rateLimit.trust
  const blockedPolicy = limiter?.defaultPolicy

  const limit = (
    req: IncomingMessage,
    principal: Principal | undefined,
  ): readonly string[] | Promise<readonly string[]> => {
    if (principal !== undefined) stampClient(req, principal.name)
    if (limiter === undefined) return NONE
    const policy = limiter.policyFor(principal?.ratePerMinute)
    if (policy === undefined) return NONE
    const client = principal === undefined ? `ip:${clientAddress(req, trust)}` : principal.id
    const d = limiter.hit(client, policy)
    return d instanceof Promise ? d.then((x) => verdict(policy, x)) : verdict(policy, d)
  }

  const authFailed = (err: unknown, req: IncomingMessage): never => {
    if (err instanceof AuthError && err.statusCode === 401) onAuthFailure?.(req)
    throw err
  }

  return {
    // @fastify/cors marks every answer as varying by Origin (its origin check is a function); so does the lane.
    headers: cors ? ['vary', 'Origin'] : NONE,
    declines: (req: IncomingMessage) => cors && req.headers.origin !== undefined,
    admit(req: IncomingMessage, access: Access) {
      // The address (a getter on the socket, X-Forwarded-For with TRUST_PROXY) only when someone is blocked.
      if (blockedPolicy !== undefined && limiter!.blocking) {
        const d = limiter!.blocked(clientAddress(req, trust))
        if (d !== undefined)
          throw new LaneRateLimited(refusalMessage(blockedPolicy, d), rateLimitHeaders(blockedPolicy, d))
      }
      let principal: ReturnType<typeof gate.check>
      try {
        principal = gate.check(req.headers, access, 'POST')
      } catch (err) {
        return authFailed(err, req)
      }
      if (principal instanceof Promise) {
        return principal.then(
          (p) => limit(req, p),
          (err: unknown) => authFailed(err, req),
        )
      }
      return limit(req, principal)
    },
  }
}

function verdict(policy: LimitPolicy, d: Decision): readonly string[] {
  const headers = rateLimitHeaders(policy, d)
  if (!d.allowed) throw new LaneRateLimited(refusalMessage(policy, d), headers)
  return headers
}
