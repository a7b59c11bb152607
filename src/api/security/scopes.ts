/**
 * Who may call a route is decided by the MATCHED ROUTE, never by the URL text: each route declares
 * `config: { access }` when it is registered, and the auth hook reads it from `request.routeOptions`
 * once the router has decoded, normalised and matched the URL (so `/%61dmin/reload`, the absolute form
 * `POST http://host/admin/reload`, `/admin/reload#x`... all resolve to the same route and the same rule).
 *
 * The one mapping (docs/access-control.md shows it as a table, and a test checks the two agree):
 *
 * | access    | routes                                                                 | needs           |
 * |-----------|------------------------------------------------------------------------|-----------------|
 * | `open`    | /health*, /v2/health*, V2 model ready, /openapi.json, /docs*, the UI   | nothing         |
 * | `predict` | POST /predict, /predict-proba, V2 infer                                | scope `predict` |
 * | `explain` | POST /explain                                                          | scope `explain` |
 * | `feedback`| POST /feedback                                                         | scope `feedback`|
 * | `read`    | GET /model, /models, /drift, /v2, V2 model metadata                    | scope `read`    |
 * | `metrics` | GET /metrics (a key only with METRICS_REQUIRE_KEY=true)                | scope `metrics` |
 * | `admin`   | /admin/*                                                               | scope `admin`   |
 *
 * A route that declares nothing is closed: it needs the `admin` scope (and says so in its 403), so a route
 * added without thinking about access is never open by accident. A request that matches no route (404/405)
 * is open for GET/HEAD (so the 404 says what is wrong) and needs a valid credential for any other method.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'

export const SCOPES = ['predict', 'explain', 'feedback', 'read', 'metrics', 'admin'] as const
export type Scope = (typeof SCOPES)[number]
/** What a route declares: a scope it needs, or `open`. */
export type Access = Scope | 'open'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route (src/api/security/scopes.ts); absent = closed (`admin`). */
    access?: Access
  }
}

const ACCESS_VALUES: ReadonlySet<string> = new Set<string>([...SCOPES, 'open'])

/** Scopes of an ordinary API key (API_KEYS, a plain API_KEYS_FILE): everything but `admin`. */
export const DEFAULT_KEY_SCOPES: ReadonlySet<Scope> = new Set(SCOPES.filter((s) => s !== 'admin'))
/** Scopes of an admin key (ADMIN_API_KEYS): administration only. */
export const ADMIN_KEY_SCOPES: ReadonlySet<Scope> = new Set<Scope>(['admin'])

/** What POST /predict and /predict-proba declare, and what the fast lane checks for them: one fact. */
export const PREDICTION_ACCESS: Access = 'predict'

/** A route that declares no access needs this. */
export const UNDECLARED_ACCESS: Scope = 'admin'

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && value !== 'open' && ACCESS_VALUES.has(value)
}

/** What the matched route of `request` needs; `undefined` = it matched no route (404/405). */
export function accessOf(request: FastifyRequest): Access | undefined {
  if (request.is404) return undefined
  return request.routeOptions.config.access ?? UNDECLARED_ACCESS
}

/** One row of the access table: a route and what it needs (resolved when asked, after every plugin ran). */
export interface RouteAccess {
  method: string
  url: string
  access: Access
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route's access, as the auth hook sees it (docs/access-control.md is checked against it). */
    accessTable(): RouteAccess[]
  }
}

/**
 * Every route registered from now on in `app`'s scope is checked to declare a known access value (a typo
 * like `access: 'predcit'` stops start-up instead of silently closing the route) and listed for
 * `app.accessTable()`.
 */
export function checkDeclaredAccess(app: FastifyInstance): void {
  const routes: { method: string; url: string; route: { config?: { access?: Access } } }[] = []
  app.addHook('onRoute', (route) => {
    const access = (route.config as { access?: unknown } | undefined)?.access
    if (access !== undefined && !ACCESS_VALUES.has(String(access))) {
      throw new Error(
        `route ${route.method} ${route.url}: config.access must be one of ${[...ACCESS_VALUES].join(', ')}, got ${JSON.stringify(access)}`,
      )
    }
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url, route })
    }
  })
  app.decorate('accessTable', () =>
    routes.map(({ method, url, route }) => ({
      method,
      url,
      access: route.config?.access ?? UNDECLARED_ACCESS,
    })),
  )
}

/**
 * For plugins whose routes we do not write (the UI's static files, Swagger UI): every route registered
 * in `scope` that declares no access becomes `open`. Scoped: call it inside the plugin's own scope.
 */
export function openRoutesIn(scope: FastifyInstance): void {
  scope.addHook('onRoute', (route) => {
    if (route.config?.access === undefined) route.config = { ...route.config, access: 'open' }
  })
}
