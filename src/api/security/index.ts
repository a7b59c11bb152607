/**
 * All of the app's access control and hardening as one plugin, registered first in app.ts.
 * Order matters: headers (so even 401/429 carry them), then auth (sets apiKeyId), then the rate limiter.
 * The plugin is not encapsulated (skip-override), so its hooks cover every route and the 404 handler.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import type { Config } from '../../config.js'
import { type AuthOptions, adminEnabled, installAuth, parseKeyList, readKeyHashFile } from './auth.js'
import {
  type HeadersOptions,
  installSecurityHeaders,
  parseCorsOrigins,
  type SecurityHeaderSets,
  securityHeaderSets,
} from './headers.js'
import { installRateLimit, type RateLimitOptions } from './rate-limit.js'

export interface SecurityOptions extends AuthOptions, HeadersOptions {
  rateLimit: RateLimitOptions
  /** Response headers by kind of response (API, UI document, Swagger UI). */
  headerSets: SecurityHeaderSets
}

/** Keys from the plain list and/or the digest file (both may be set; either alone is fine). */
function keysFrom(list: string, file: string): Buffer[] {
  return [...parseKeyList(list), ...(file.trim() === '' ? [] : readKeyHashFile(file.trim()))]
}

/** The plugin's options from the config; reads the key files (start-up fails on a bad one). */
export async function securityOptionsFrom(config: Config): Promise<SecurityOptions> {
  const corsOrigins = parseCorsOrigins(config.CORS_ORIGINS)
  return {
    keyHashes: keysFrom(config.API_KEYS, config.API_KEYS_FILE),
    adminKeyHashes: keysFrom(config.ADMIN_API_KEYS, config.ADMIN_API_KEYS_FILE),
    metricsRequireKey: config.METRICS_REQUIRE_KEY,
    corsOrigins,
    rateLimit: { max: config.RATE_LIMIT_MAX, windowMs: config.RATE_LIMIT_WINDOW_S * 1000 },
    headerSets: await securityHeaderSets({ corsOrigins }),
  }
}

/**
 * True when no hook of this plugin must see a prediction request: no API key of any kind, no rate limit,
 * no CORS. Only then may the fast lane (../fast-lane.ts) answer predictions ahead of these hooks; a hook
 * added here must be added to this test too.
 */
export function nothingGuardsPredictions(options: SecurityOptions): boolean {
  return !adminEnabled(options) && options.rateLimit.max === 0 && options.corsOrigins.length === 0
}

const securityPlugin: FastifyPluginAsync<SecurityOptions> = async (app: FastifyInstance, options) => {
  await installSecurityHeaders(app, options)
  installAuth(app, options)
  installRateLimit(app, options.rateLimit)
}
;(securityPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true

export default securityPlugin
export { adminEnabled } from './auth.js'
export type { SecurityHeaderSets } from './headers.js'
export { securityPlugin }
