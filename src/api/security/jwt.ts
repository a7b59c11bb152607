/**
 * OAuth2 / OIDC bearer tokens (JWT_JWKS_URL + JWT_ISSUER + JWT_AUDIENCE), verified with `jose`.
 * - Signatures: asymmetric algorithms only (RS*, PS*, ES*, EdDSA), so `alg: none` and an HMAC token
 *   "signed" with the public key are refused before any key is used.
 * - Claims: `iss` and `aud` must match, `exp` and `sub` are required, `nbf`/`exp` are checked (5 s skew);
 *   scopes come from `scope` (space-separated) or `scp` (array or string); the identity is `sub`.
 * - Keys (`JwksCache`): fetched with a timeout, refreshed in the background, and
 *   refetched on an unknown `kid` at most once per cool-down. A JWKS endpoint that is down or slow never
 *   stalls a request holding a known key: the cached keys keep working.
 * - Verified tokens are cached (until their expiry, at most 60 s, bounded in number), so a repeated token
 *   costs a Map lookup instead of a signature check.
 */
import {
  createLocalJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose'
import type { Principal } from './api-keys.js'
import { invalidToken } from './auth.js'
import { rateOfToken } from './jwt-tiers.js'
import { isScope, type Scope } from './scopes.js'

export interface JwtSettings {
  jwksUrl: string
  issuer: string
  audience: string
  /** Longest wait for the JWKS endpoint (ms); default 2000. */
  fetchTimeoutMs?: number
  /** Least time between two fetches caused by unknown `kid`s (ms); default 30 s. */
  cooldownMs?: number
  /** Background refresh period (ms); default 5 min. */
  refreshMs?: number
  /** Most verified tokens remembered; default 10,000. */
  cacheMax?: number
  /** Rate tiers (./jwt-tiers.ts): the claim naming a token's tier, and each tier's requests per minute. */
  tierClaim?: string
  rateTiers?: ReadonlyMap<string, number>
}

export interface JwtLog {
  warn(fields: object, message: string): void
}

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']
const MAX_JWKS_BYTES = 1 << 20
const NO_TIERS: ReadonlyMap<string, number> = new Map()
/** A verified token is re-verified after this long even if it expires later (a key may be revoked). */
const MAX_CACHE_MS = 60_000

/** The signing keys from JWT_JWKS_URL, kept in memory; see the header for the refresh rules. */
export class JwksCache {
  private local: JWTVerifyGetKey | undefined
  private lastAttempt = Number.NEGATIVE_INFINITY
  private pending: Promise<void> | undefined
  private timer: NodeJS.Timeout | undefined
  private failing = false

  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
    private readonly cooldownMs: number,
    private readonly log: JwtLog,
  ) {}

  /** First fetch and the background refresh; start-up does not wait for the endpoint. */
  start(refreshMs: number): void {
    void this.refresh()
    this.timer = setInterval(() => void this.refresh(), refreshMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer)
  }

  /** Fetch the key set; on any fault keep the current keys (one warning per outage). */
  refresh(): Promise<void> {
    this.pending ??= this.fetchKeys().finally(() => {
      this.pending = undefined
    })
    return this.pending
  }

  private async fetchKeys(): Promise<void> {
    this.lastAttempt = Date.now()
    try {
      const res = await fetch(this.url, { signal: AbortSignal.timeout(this.timeoutMs) })
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      const text = await res.text()
      if (text.length > MAX_JWKS_BYTES) throw new Error(`larger than ${MAX_JWKS_BYTES} bytes`)
      const jwks = JSON.parse(text) as JSONWebKeySet
      if (!Array.isArray(jwks?.keys)) throw new Error('no "keys" array')
      this.local = createLocalJWKSet(jwks)
      this.failing = false
    } catch (err) {
      if (!this.failing) {
        this.log.warn(
          { jwks_url: this.url, error: (err as Error).message.slice(0, 200) },
          'JWKS fetch failed: the cached signing keys stay in use',
        )
      }
      this.failing = true
    }
  }

  /** jose's key resolver: the cached keys; an unknown kid triggers one refetch per cool-down. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    // A fetch under way (the first one at start-up, or one for another unknown kid): its keys, not a refusal.
    if (this.local === undefined && this.pending !== undefined) await this.pending
    if (this.local !== undefined) {
      try {
        return await this.local(header, token)
      } catch (err) {
        if (!(err instanceof errors.JWKSNoMatchingKey)) throw err
      }
    }
    if (this.pending !== undefined || Date.now() - this.lastAttempt >= this.cooldownMs) {
      await this.refresh()
      if (this.local !== undefined) return this.local(header, token)
    }
    throw this.local === undefined ? new JwksUnavailable() : new errors.JWKSNoMatchingKey()
  }
}

class JwksUnavailable extends Error {}

/** Why a token was refused, for `error_description` (never the token itself). */
export function describeJwtFault(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'the token has expired'
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return 'the token is not valid yet (nbf)'
    if (err.claim === 'iss') return 'unexpected issuer (iss)'
    if (err.claim === 'aud') return 'unexpected audience (aud)'
    if (err.reason === 'missing') return `the token has no "${err.claim}" claim`
    return `claim "${err.claim}" is invalid`
  }
  if (err instanceof errors.JOSEAlgNotAllowed) {
    return `the token's algorithm is not allowed (only ${ALGORITHMS.join(', ')})`
  }
  if (err instanceof errors.JWKSNoMatchingKey) return 'no signing key matches the token (unknown kid)'
  if (err instanceof JwksUnavailable) return 'the signing keys (JWT_JWKS_URL) are not available'
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not verify'
  if (err instanceof errors.JOSENotSupported) return 'the token uses an unsupported algorithm or key'
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'the token is malformed'
  return 'the token could not be verified'
}

/** Scopes from `scope` ("predict explain") or `scp` (["predict"] or "predict explain"); unknown ones ignored. */
export function scopesOf(payload: JWTPayload): Set<Scope> {
  const raw = payload.scope ?? payload.scp
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(' ') : []
  return new Set(list.filter(isScope))
}

interface Cached {
  principal: Principal
  until: number
}

export class JwtVerifier {
  private readonly jwks: JwksCache
  private readonly verified = new Map<string, Cached>()
  private readonly cacheMax: number

  constructor(
    private readonly settings: JwtSettings,
    log: JwtLog,
  ) {
    this.jwks = new JwksCache(
      settings.jwksUrl,
      settings.fetchTimeoutMs ?? 2000,
      settings.cooldownMs ?? 30_000,
      log,
    )
    this.cacheMax = settings.cacheMax ?? 10_000
  }

  start(): void {
    this.jwks.start(this.settings.refreshMs ?? 300_000)
  }

  stop(): void {
    this.jwks.stop()
  }

  /** A JWS compact token (header.payload.signature, JSON header), as opposed to an API key. */
  handles(credential: string): boolean {
    if (!credential.startsWith('eyJ')) return false
    const first = credential.indexOf('.')
    return first > 0 && credential.indexOf('.', first + 1) > first && credential.split('.').length === 3
  }

  /** The principal of a token verified earlier and not yet expired; undefined otherwise. */
  cached(token: string): Principal | undefined {
    const hit = this.verified.get(token)
    if (hit === undefined) return undefined
    if (hit.until > Date.now()) return hit.principal
    this.verified.delete(token)
    return undefined
  }

  /** Verify signature and claims; throws AuthError 401 with the reason. */
  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtVerify(token, this.jwks.getKey, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: 5,
      }))
    } catch (err) {
      throw invalidToken(describeJwtFault(err))
    }
    const sub = String(payload.sub)
    const rate = rateOfToken(payload, this.settings.tierClaim ?? 'tier', this.settings.rateTiers ?? NO_TIERS)
    const principal: Principal = Object.freeze({
      id: `jwt:${sub}`,
      kind: 'jwt' as const,
      name: sub.slice(0, 100),
      scopes: scopesOf(payload),
      ...(rate === undefined ? {} : { ratePerMinute: rate }),
    })
    if (this.verified.size >= this.cacheMax) {
      const oldest = this.verified.keys().next().value
      if (oldest !== undefined) this.verified.delete(oldest)
    }
    const until = Math.min((payload.exp ?? 0) * 1000, Date.now() + MAX_CACHE_MS)
    this.verified.set(token, { principal, until })
    return principal
  }
}
