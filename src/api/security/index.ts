/**
 * All of the app's access control and hardening as one plugin, registered first in app.ts.
 * Order matters: headers and CORS (so even 401/429 carry them; preflights answered there), then auth
 * (sets request.principal), then the rate limiter (reads it). The plugin is not encapsulated
 * (skip-override), so its hooks cover every route and the 404 handler.
 * Who may call what is decided on the matched route (./scopes.ts); the same Gate serves the fast lane.
 */
import type { IncomingMessage } from 'node:http'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import type { Config } from '../../config.js'
import type { Logger } from '../logging.js'
import { KeyStore } from './api-keys-store.js'
import { Gate, installAuth } from './auth.js'
import {
  type HeadersOptions,
  installSecurityHeaders,
  type PreflightRecorder,
  parseCorsOrigins,
  type SecurityHeaderSets,
  securityHeaderSets,
} from './headers.js'
import { JwtVerifier } from './jwt.js'
import { parseRateTiers } from './jwt-tiers.js'
import { installFailedAuthGuard, installRateLimit, type RateLimitOptions } from './rate-limit.js'
import { checkDeclaredAccess } from './scopes.js'

export interface SecurityOptions extends HeadersOptions {
  gate: Gate
  keys: KeyStore
  jwt?: JwtVerifier
  /** API_KEYS_FILE_POLL_S in ms (0 = key files are read once). */
  keyFilePollMs: number
  rateLimit: RateLimitOptions
  /** Response headers by kind of response (API, UI document, Swagger UI). */
  headerSets: SecurityHeaderSets
  /** Called for every refused credential (401), so failed guesses can be throttled. */
  onAuthFailure?: (raw: IncomingMessage) => void
}

/** The plugin's options from the config; reads the key files (start-up fails on a bad one). */
export async function securityOptionsFrom(config: Config, logger: Logger): Promise<SecurityOptions> {
  const corsOrigins = parseCorsOrigins(config.CORS_ORIGINS)
  const keys = new KeyStore({
    apiKeys: config.API_KEYS,
    adminApiKeys: config.ADMIN_API_KEYS,
    apiKeysFile: config.API_KEYS_FILE,
    adminApiKeysFile: config.ADMIN_API_KEYS_FILE,
  })
  const jwt =
    config.JWT_JWKS_URL === ''
      ? undefined
      : new JwtVerifier(
          {
            jwksUrl: config.JWT_JWKS_URL,
            issuer: config.JWT_ISSUER,
            audience: config.JWT_AUDIENCE,
            cooldownMs: config.JWT_JWKS_COOLDOWN_S * 1000,
            tierClaim: config.JWT_TIER_CLAIM,
            rateTiers: parseRateTiers(config.JWT_RATE_TIERS),
          },
          logger,
        )
  return {
    keys,
    ...(jwt === undefined ? {} : { jwt }),
    gate: new Gate({
      keys,
      ...(jwt === undefined ? {} : { jwt }),
      metricsRequireKey: config.METRICS_REQUIRE_KEY,
    }),
    keyFilePollMs: config.API_KEYS_FILE_POLL_S * 1000,
    corsOrigins,
    rateLimit: { max: config.RATE_LIMIT_MAX, windowMs: config.RATE_LIMIT_WINDOW_S * 1000 },
    headerSets: await securityHeaderSets({ corsOrigins }),
  }
}

/**
 * True when no hook of this plugin must see a prediction request: no API key of any kind, no bearer
 * token, no rate limit, no CORS. Only then may the fast lane (../fast-lane.ts) answer predictions ahead
 * of these hooks without its own checks; a hook added here must be added to this test too.
 */
export function nothingGuardsPredictions(options: SecurityOptions): boolean {
  return !options.gate.enabled && options.rateLimit.max === 0 && options.corsOrigins.length === 0
}

/** True when /admin/* can be reached at all: some key or token source could hold the admin scope. */
export function adminEnabled(options: SecurityOptions): boolean {
  return options.gate.adminPossible()
}

export interface SecurityPluginOptions extends SecurityOptions {
  /** Records answers given by the plugin itself (CORS preflights). */
  recorder: PreflightRecorder
  logger: Logger
}

const securityPlugin: FastifyPluginAsync<SecurityPluginOptions> = async (app: FastifyInstance, options) => {
  checkDeclaredAccess(app)
  await installSecurityHeaders(app, options)
  installFailedAuthGuard(app, options.rateLimit)
  installAuth(app, options.gate, options.onAuthFailure ? { onAuthFailure: options.onAuthFailure } : {})
  installRateLimit(app, options.rateLimit)
  const stopWatching = options.keys.watch(options.keyFilePollMs, options.logger)
  options.jwt?.start()
  app.addHook('onClose', (_app, done) => {
    stopWatching()
    options.jwt?.stop()
    done()
  })
}
;(securityPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true

export default securityPlugin
export type { Principal } from './auth.js'
export type { SecurityHeaderSets } from './headers.js'
export { securityPlugin }
