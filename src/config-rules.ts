/**
 * Rules that tie several settings together (config.ts checks each one alone first). Each fault names its
 * variable and never echoes a secret. Checked in every process, the cluster primary included, so a bad
 * setting stops start-up before any worker is forked.
 */
import type { Config } from './config.js'

/** Shorter API keys are refused: 16 random characters is the least worth calling a secret. */
export const MIN_KEY_LENGTH = 16

function keyLengthFaults(variable: string, list: string): string[] {
  const keys = list
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '')
  return keys.flatMap((k, i) =>
    k.length < MIN_KEY_LENGTH
      ? [
          `${variable}: key ${i + 1} of ${keys.length} has ${k.length} characters; each key needs at least ${MIN_KEY_LENGTH} (make one with: openssl rand -hex 32)`,
        ]
      : [],
  )
}

function jwtFaults(c: Config): string[] {
  // The tiers' own syntax is checked where they are read (src/api/security/jwt-tiers.ts), at start-up too.
  if (c.JWT_RATE_TIERS.trim() !== '' && c.JWT_JWKS_URL.trim() === '') {
    return ['JWT_RATE_TIERS is set but JWT_JWKS_URL is not: rate tiers apply to bearer tokens']
  }
  const set = [c.JWT_JWKS_URL, c.JWT_ISSUER, c.JWT_AUDIENCE].filter((v) => v.trim() !== '').length
  if (set === 0) return []
  if (set < 3) {
    const missing = (['JWT_JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE'] as const).filter(
      (n) => c[n].trim() === '',
    )
    return [`JWT_JWKS_URL, JWT_ISSUER and JWT_AUDIENCE are required together; missing ${missing.join(', ')}`]
  }
  let url: URL | undefined
  try {
    url = new URL(c.JWT_JWKS_URL)
  } catch {
    url = undefined
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    return [`JWT_JWKS_URL must be an http(s) URL, got ${JSON.stringify(c.JWT_JWKS_URL.slice(0, 100))}`]
  }
  return []
}

export function crossFieldFaults(c: Config): string[] {
  const faults = [
    ...keyLengthFaults('API_KEYS', c.API_KEYS),
    ...keyLengthFaults('ADMIN_API_KEYS', c.ADMIN_API_KEYS),
  ]
  faults.push(...jwtFaults(c))
  const clientCredentials = c.API_KEYS.trim() !== '' || c.API_KEYS_FILE.trim() !== '' || c.JWT_JWKS_URL !== ''
  if (c.METRICS_REQUIRE_KEY && !clientCredentials) {
    faults.push(
      'METRICS_REQUIRE_KEY=true but no key or token could read /metrics: set API_KEYS, API_KEYS_FILE or JWT_JWKS_URL',
    )
  }
  return faults
}
