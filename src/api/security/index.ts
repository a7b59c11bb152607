/**
 * All of the app's access control and hardening as one plugin, registered first in app.ts.
 * Order matters: headers (so even 401/429 carry them), then auth (sets apiKeyId), then the rate limiter.
 * The plugin is not encapsulated (skip-override), so its hooks cover every route and the 404 handler.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { type AuthOptions, installAuth } from './auth.js'
import { type HeadersOptions, installSecurityHeaders } from './headers.js'
import { installRateLimit, type RateLimitOptions } from './rate-limit.js'

export interface SecurityOptions extends AuthOptions, HeadersOptions {
  rateLimit: RateLimitOptions
}

const securityPlugin: FastifyPluginAsync<SecurityOptions> = async (app: FastifyInstance, options) => {
  await installSecurityHeaders(app, options)
  installAuth(app, options)
  installRateLimit(app, options.rateLimit)
}
;(securityPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true

export default securityPlugin
export { securityPlugin }
