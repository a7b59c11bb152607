/**
 * Security headers (@fastify/helmet) and CORS (@fastify/cors).
 * The CSP allows only same-origin scripts, styles, fetches and fonts: the built UI (Vite output: external
 * JS/CSS files) and Swagger UI at /docs (its own static files, no inline script; inline <style> allowed
 * there only) both work under it, which
 * e2e/security-headers.test.ts proves in a real browser. No `upgrade-insecure-requests`: the service speaks
 * plain HTTP (TLS, if any, ends at a proxy) and upgrading its own sub-resources would break the UI.
 * CORS is closed unless CORS_ORIGINS lists origins: without the plugin no Access-Control-* header is sent.
 * Preflights are answered by our own hook after @fastify/cors has added its headers (preflightContinue), so
 * they carry the security headers and the request id, are logged and leave the in-flight gauge balanced.
 */

import type { IncomingMessage } from 'node:http'
import cors from '@fastify/cors'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { HttpError } from '../errors.js'
import { type FixedHeaders, helmetHeaders, installFixedHeaders } from '../fixed-headers.js'

export interface HeadersOptions {
  /** Exact origins allowed to call the API from a browser, e.g. ["https://app.example.com"]; [] = closed. */
  corsOrigins: readonly string[]
}

export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  // Swagger UI (/docs) injects <style> elements when it renders responses; the UI itself needs no inline
  // style. So inline styles are allowed on /docs pages only (scripts stay 'self' everywhere).
  styleSrc: ["'self'", (req: IncomingMessage) => (req.url?.startsWith('/docs') ? "'unsafe-inline'" : '')],
  upgradeInsecureRequests: null,
} as const

/**
 * Three header sets, all from helmet: `document` for the UI's pages and files, `docs` for Swagger UI (the
 * same, with inline styles), and `api` for everything that answers JSON. The document-only headers (a CSP
 * for scripts and styles, COOP, Origin-Agent-Cluster, DNS prefetch, IE download options, Flash policies,
 * X-XSS-Protection) mean nothing on a JSON response; an API response gets the OWASP REST set instead: a CSP
 * that allows nothing, HSTS, nosniff, X-Frame-Options, CORP and Referrer-Policy. Fewer and shorter headers
 * on the hot path: each one costs validation and copying on every prediction.
 */
export interface SecurityHeaderSets {
  api: FixedHeaders
  document: FixedHeaders
  docs: FixedHeaders
}

export async function securityHeaderSets(options: HeadersOptions): Promise<SecurityHeaderSets> {
  const common = {
    // Same-origin by default; cross-origin readers come through CORS, which this does not affect.
    frameguard: { action: 'deny' as const },
    crossOriginResourcePolicy: {
      policy: options.corsOrigins.length > 0 ? ('cross-origin' as const) : ('same-origin' as const),
    },
  }
  const documentOptions = {
    ...common,
    contentSecurityPolicy: { useDefaults: false, directives: { ...CSP_DIRECTIVES } },
  }
  return {
    api: await helmetHeaders({
      ...common,
      contentSecurityPolicy: { useDefaults: false, directives: API_CSP_DIRECTIVES },
      crossOriginOpenerPolicy: false,
      originAgentCluster: false,
      dnsPrefetchControl: false,
      ieNoOpen: false,
      permittedCrossDomainPolicies: false,
      xssFilter: false,
    }),
    document: await helmetHeaders(documentOptions, '/'),
    docs: await helmetHeaders(documentOptions, '/docs'),
  }
}

/** For JSON responses: nothing may load, nothing may frame it. */
export const API_CSP_DIRECTIVES = { defaultSrc: ["'none'"], frameAncestors: ["'none'"] }

/** The API set on every response, and CORS; route plugins serving documents install their own set. */
export async function installSecurityHeaders(
  app: FastifyInstance,
  options: HeadersOptions & { headerSets: SecurityHeaderSets; recorder?: PreflightRecorder },
): Promise<void> {
  installFixedHeaders(app, options.headerSets.api)
  if (options.corsOrigins.length === 0) return
  if (options.recorder === undefined)
    throw new Error('CORS needs the request recorder (preflights are logged)')
  const recorder = options.recorder
  const allowed = new Set(options.corsOrigins)
  // The plugin's catch-all OPTIONS route needs no credential: browsers send none on a preflight.
  app.addHook('onRoute', (route) => {
    if (route.method === 'OPTIONS' && route.url === '*' && route.config?.access === undefined) {
      route.config = { ...route.config, access: 'open' }
    }
  })
  await app.register(cors, {
    origin: (origin, cb) => cb(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'x-request-id'],
    exposedHeaders: [
      'x-request-id',
      'retry-after',
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-ratelimit-reset',
    ],
    maxAge: 600,
    // The plugin only adds its headers; answerPreflight (below) sends, records and logs the answer.
    preflightContinue: true,
    strictPreflight: false,
  })
  answerPreflight(app, recorder)
}

export interface PreflightRecorder {
  done(request: FastifyRequest, status: number, error?: string | null): void
}

/**
 * After @fastify/cors: a preflight it accepted (allowed origin) gets 204 here, with the request id, and is
 * recorded like any answer. An OPTIONS without Access-Control-Request-Method is not a preflight: 400 in
 * the app's error shape. Preflights from other origins fall through to the 404 handler (no CORS headers).
 */
function answerPreflight(app: FastifyInstance, recorder: PreflightRecorder): void {
  app.addHook('onRequest', (request, reply, done) => {
    if ((request as FastifyRequest & { corsPreflightEnabled?: boolean }).corsPreflightEnabled !== true) {
      done()
      return
    }
    if (request.headers['access-control-request-method'] === undefined) {
      done(new HttpError(400, 'a CORS preflight needs the Access-Control-Request-Method header'))
      return
    }
    reply.code(204).header('x-request-id', request.id).header('content-length', '0').send()
    recorder.done(request, 204)
  })
}

/** CORS_ORIGINS: comma list of origins (scheme://host[:port]); each is checked to be a bare origin. */
export function parseCorsOrigins(list: string): string[] {
  const out: string[] = []
  for (const raw of list.split(',')) {
    const item = raw.trim()
    if (item === '') continue
    let url: URL
    try {
      url = new URL(item)
    } catch {
      throw new Error(`CORS_ORIGINS: "${item}" is not an origin like https://example.com`)
    }
    if (url.origin !== item.replace(/\/$/, '') || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new Error(
        `CORS_ORIGINS: "${item}" must be a bare origin (scheme://host[:port]), got a path or scheme`,
      )
    }
    out.push(url.origin)
  }
  return out
}
