/**
 * Authentication and authorisation, decided on the MATCHED ROUTE (./scopes.ts): the route's declared
 * access says which scope it needs; a credential (an API key from ./api-keys.ts, or an OAuth2/OIDC bearer
 * token from ./jwt.ts) says who is calling and which scopes they hold. One decision function, `Gate.check`,
 * serves the Fastify hook below and the fast lane (../fast-lane.ts), so both apply the same rules.
 *
 * When no credential source is configured at all there is no hook on any route: the hot path pays nothing,
 * and routes needing `admin` (declared or undeclared) answer 403 "disabled" from a route-level hook.
 * A refused credential (401) is reported to `onAuthFailure`, so failed guesses can be throttled
 * (./rate-limit.ts counts them by client address).
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { HttpError } from '../errors.js'
import type { Principal } from './api-keys.js'
import type { KeyStore } from './api-keys-store.js'
import { stampClient } from './client-identity.js'
import type { JwtVerifier } from './jwt.js'
import { type Access, accessOf, openRoutesIn, type Scope, UNDECLARED_ACCESS } from './scopes.js'

export type { Principal } from './api-keys.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Who made this request, once the auth hook accepted a credential; undefined on open routes. */
    principal?: Principal
  }
}

const REALM = 'Bearer realm="iris-prediction-service"'
/** Longer credentials are refused before any hashing or parsing. */
export const MAX_CREDENTIAL_LENGTH = 8192

/** A refused credential: 401 (missing/invalid) or 403 (valid, lacks the scope), with its challenge. */
export class AuthError extends HttpError {
  override name = 'AuthError'
  constructor(
    statusCode: 401 | 403,
    message: string,
    /** The WWW-Authenticate header value (RFC 6750). */
    readonly challenge: string,
  ) {
    super(statusCode, message)
  }

  /** For the fast lane's writeHead (security/lane-checks.ts). */
  get responseHeaders(): readonly string[] {
    return ['www-authenticate', this.challenge]
  }
}

/** `error_description` values are quoted-strings: no quotes or backslashes, short. */
function quoted(text: string): string {
  return text.replace(/["\\]/g, "'").slice(0, 200)
}

export function invalidToken(description: string, message = `invalid token: ${description}`): AuthError {
  return new AuthError(
    401,
    message,
    `${REALM}, error="invalid_token", error_description="${quoted(description)}"`,
  )
}

function missingCredential(): AuthError {
  return new AuthError(
    401,
    'missing API key: send "Authorization: Bearer <key>" or "X-API-Key: <key>"',
    REALM,
  )
}

function insufficientScope(principal: Principal, scope: Scope): AuthError {
  const description = `this route needs the "${scope}" scope, which ${principal.kind === 'key' ? 'key' : 'token of'} "${principal.name}" does not have`
  return new AuthError(
    403,
    `insufficient_scope: ${description}`,
    `${REALM}, error="insufficient_scope", scope="${scope}", error_description="${quoted(description)}"`,
  )
}

/** Where the credential comes from: `Authorization: Bearer <x>` or `X-API-Key: <x>`. */
export function presentedCredential(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['x-api-key']
  if (typeof header === 'string' && header.length > 0) return header.trim()
  const auth = headers.authorization
  if (typeof auth === 'string' && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') {
    return auth.slice(7).trim()
  }
  return undefined
}

export interface GateOptions {
  keys: KeyStore
  jwt?: JwtVerifier
  /** GET /metrics needs the `metrics` scope (else it is open). */
  metricsRequireKey: boolean
}

/** What a request must show, decided from the matched route: a scope, any valid credential, or nothing. */
type Need = Scope | 'any' | null

export class Gate {
  /** True when any credential source is configured (else no hook is installed). */
  readonly enabled: boolean
  private readonly keys: KeyStore
  private readonly jwt: JwtVerifier | undefined
  /** Scopes that guard predictions and reads: on when ordinary keys or tokens exist. */
  private readonly clientAuth: boolean
  private readonly metricsRequireKey: boolean

  constructor(options: GateOptions) {
    this.keys = options.keys
    this.jwt = options.jwt
    this.metricsRequireKey = options.metricsRequireKey
    this.enabled = options.jwt !== undefined || options.keys.size > 0
    // Only admin keys configured: predictions stay open, /admin is guarded.
    this.clientAuth = options.jwt !== undefined || options.keys.clientKeys
  }

  /** Whether anyone could ever hold the admin scope (else admin routes answer 403 "disabled"). */
  adminPossible(): boolean {
    return this.jwt !== undefined || this.keys.grants('admin')
  }

  need(access: Access | undefined, method: string): Need {
    if (access === 'open') return null
    if (access === undefined) return method === 'GET' || method === 'HEAD' || !this.enabled ? null : 'any'
    if (access === 'admin') return 'admin'
    if (access === 'metrics') return this.metricsRequireKey ? 'metrics' : null
    return this.clientAuth ? access : null
  }

  /**
   * The decision. Returns undefined (nothing needed), the principal, or a promise of it (a bearer token
   * not verified before); throws AuthError. Synchronous for keys and cached tokens: the fast lane needs that.
   */
  check(
    headers: IncomingHttpHeaders,
    access: Access | undefined,
    method: string,
  ): Principal | undefined | Promise<Principal> {
    const need = this.need(access, method)
    if (need === null) return undefined
    if (need === 'admin' && !this.adminPossible()) throw adminDisabled()
    const credential = presentedCredential(headers)
    if (credential === undefined) throw missingCredential()
    if (credential.length > MAX_CREDENTIAL_LENGTH) {
      throw invalidToken(`the credential is longer than ${MAX_CREDENTIAL_LENGTH} characters`)
    }
    let principal: Principal | undefined
    if (this.jwt?.handles(credential) === true && headers['x-api-key'] === undefined) {
      principal = this.jwt.cached(credential)
      if (principal === undefined) {
        return this.jwt.verify(credential).then((p) => allowed(p, need))
      }
    } else {
      principal = this.keys.lookup(credential)
      if (principal === undefined) throw invalidToken('invalid API key', 'invalid API key')
    }
    return allowed(principal, need)
  }
}

function allowed(principal: Principal, need: Scope | 'any'): Principal {
  if (need !== 'any' && !principal.scopes.has(need)) throw insufficientScope(principal, need)
  return principal
}

function adminDisabled(): HttpError {
  return new HttpError(
    403,
    'admin endpoints are disabled: set ADMIN_API_KEYS (or keys/tokens with the "admin" scope) to use them',
  )
}

export interface AuthHookOptions {
  /** Called for every 401 (missing or invalid credential), with the raw request, before the answer. */
  onAuthFailure?: (raw: IncomingMessage) => void
}

/** Sets the challenge header and reports a 401; returns the error for the caller to throw or pass on. */
export function refused(
  err: unknown,
  raw: IncomingMessage,
  setHeader: (name: string, value: string) => void,
  onAuthFailure: ((raw: IncomingMessage) => void) | undefined,
): unknown {
  if (err instanceof AuthError) {
    setHeader('www-authenticate', err.challenge)
    if (err.statusCode === 401) onAuthFailure?.(raw)
  }
  return err
}

/** The onRequest hook (every route, 404s included) or, with no credential source, the admin-only guard. */
export function installAuth(app: FastifyInstance, gate: Gate, options: AuthHookOptions = {}): void {
  if (!gate.enabled) {
    closeAdminRoutes(app)
    return
  }
  const { onAuthFailure } = options
  app.decorateRequest('principal', undefined)
  app.addHook('onRequest', (request, reply, done) => {
    const accept = (p: Principal | undefined) => {
      if (p !== undefined) {
        request.principal = p
        stampClient(request.raw, p.name)
      }
      done()
    }
    const fail = (err: unknown) =>
      done(refused(err, request.raw, (n, v) => reply.header(n, v), onAuthFailure) as Error)
    let outcome: ReturnType<Gate['check']>
    try {
      outcome = gate.check(request.headers, accessOf(request), request.method)
    } catch (err) {
      fail(err)
      return
    }
    if (outcome instanceof Promise) outcome.then(accept, fail)
    else accept(outcome)
  })
}

/**
 * No credential source: admin routes (and routes declaring nothing) answer 403 from a route-level hook;
 * every other route runs no auth code at all. The access is read when the request comes, so a plugin
 * scope that opens its routes (openRoutesIn) is seen.
 */
function closeAdminRoutes(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.config?.access !== undefined && route.config.access !== UNDECLARED_ACCESS) return
    const guard = (_request: FastifyRequest, _reply: unknown, done: (err?: Error) => void) => {
      const access = route.config?.access ?? UNDECLARED_ACCESS
      done(access === 'admin' ? adminDisabled() : undefined)
    }
    const own = route.onRequest
    route.onRequest = own === undefined ? [guard] : Array.isArray(own) ? [...own, guard] : [own, guard]
  })
}

export { openRoutesIn }
