/**
 * Rate tiers for bearer tokens: the token's issuer names a tier in a claim (`JWT_TIER_CLAIM`, default
 * `tier`), and `JWT_RATE_TIERS` gives each tier its requests per minute, as `rate_per_minute` does for an
 * API key in API_KEYS_FILE. So the identity provider decides who is on which plan, and this service decides
 * what a plan allows. A token without the claim, or naming a tier not configured, gets the global limit
 * (RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_S).
 *
 *   JWT_RATE_TIERS="free=60, team=600, batch=6000"
 */
import type { JWTPayload } from 'jose'
import { ConfigError } from '../../config.js'

const TIER = /^[A-Za-z0-9_.:-]{1,64}$/

/** The tiers from JWT_RATE_TIERS; throws a ConfigError naming the fault (start-up stops with it). */
export function parseRateTiers(text: string): ReadonlyMap<string, number> {
  const tiers = new Map<string, number>()
  for (const part of text.split(',')) {
    const item = part.trim()
    if (item === '') continue
    const eq = item.indexOf('=')
    const name = eq < 0 ? item : item.slice(0, eq).trim()
    const rate = eq < 0 ? '' : item.slice(eq + 1).trim()
    const shown = JSON.stringify(item.slice(0, 100))
    if (!TIER.test(name)) {
      throw new ConfigError(
        `JWT_RATE_TIERS: ${shown} is not <tier>=<requests per minute> (a tier is 1-64 of A-Z a-z 0-9 _ . : -)`,
      )
    }
    if (!/^\d{1,9}$/.test(rate) || Number(rate) < 1) {
      throw new ConfigError(
        `JWT_RATE_TIERS: tier "${name}" needs a whole number of requests per minute >= 1, got ${JSON.stringify(rate.slice(0, 20))}`,
      )
    }
    if (tiers.has(name)) throw new ConfigError(`JWT_RATE_TIERS: tier "${name}" is given twice`)
    tiers.set(name, Number(rate))
  }
  return tiers
}

/** The requests per minute of the tier a token's claim names; undefined = the global limit. */
export function rateOfToken(
  payload: JWTPayload,
  claim: string,
  tiers: ReadonlyMap<string, number>,
): number | undefined {
  if (tiers.size === 0) return undefined
  const tier = payload[claim]
  return typeof tier === 'string' ? tiers.get(tier) : undefined
}
