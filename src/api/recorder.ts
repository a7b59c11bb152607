/**
 * The one place a finished request is accounted for: the seed's log line plus the duration histogram and
 * the in-flight gauge. One mechanism for the routes that are not hot: `recordOnResponse`, hooks scoped to
 * the plugin that holds them (app.ts registers every route of routes/index.ts's `recordedRoutePlugins` and
 * the admin routes under it; static files and Swagger UI get it in their own plugins), so those handlers
 * only send their answer. The hot prediction path (the fast lane and predict-endpoint.ts, shared by the
 * Fastify /predict routes) calls its RouteRecorder by hand right after sending: there a hook measurably
 * costs more than the work (docs/decisions/010-http-hot-path.md). The error and 404 handlers record too.
 */
import type { IncomingMessage } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type Logger, logRequest } from './logging.js'
import type { ApiMetrics, HistogramChild } from './metrics/index.js'
import { elapsedSince } from './request-id.js'
import { ClientRequests, clientOf } from './security/client-identity.js'

/** Bound to one route pattern and method; histogram children are created on first use of each status. */
export class RouteRecorder {
  private readonly byStatus = new Map<number, HistogramChild>()

  constructor(
    private readonly owner: RequestRecorder,
    readonly route: string,
    readonly method: string,
  ) {}

  done(
    request: FastifyRequest,
    status: number,
    error: string | null = null,
    err?: unknown,
    modelVersion?: string,
  ): void {
    this.record(request.raw, request.id, status, error, err, modelVersion)
  }

  /**
   * The same for a request that did not go through Fastify (the fast lane): the raw message and its id.
   * `modelVersion`: the version that answered a prediction, written into the log line.
   */
  record(
    raw: IncomingMessage,
    id: string,
    status: number,
    error: string | null = null,
    err?: unknown,
    modelVersion?: string,
  ): void {
    let child = this.byStatus.get(status)
    if (child === undefined) {
      child = this.owner.metrics.requestDuration.child(this.route, this.method, String(status))
      this.byStatus.set(status, child)
    }
    const ms = elapsedSince(raw)
    child.observe(ms / 1000)
    this.owner.metrics.inFlight--
    const client = clientOf(raw)
    if (client !== undefined) this.owner.clients.count(client, status)
    logRequest(
      this.owner.logger,
      {
        endpoint: this.route === UNMATCHED ? pathOf(raw.url ?? '') : this.route,
        method: raw.method ?? '',
        status_code: status,
        latency_ms: Math.round(ms * 100) / 100,
        request_id: id,
        error,
        // Always both keys (undefined when absent: not written), so every line object has one shape; the
        // conditional spreads this replaces cost a slow-path property definition per request with a client.
        model_version: modelVersion,
        client,
      },
      err,
    )
  }
}

/** Route label for requests that matched no route (never the raw URL: unbounded label values). */
export const UNMATCHED = 'unmatched'

/** The path without its query string, capped so a hostile URL cannot bloat the logs. */
export function pathOf(url: string): string {
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  return path.length > 256 ? `${path.slice(0, 256)}...` : path
}

export class RequestRecorder {
  private readonly routes = new Map<string, RouteRecorder>()
  private clientRequests: ClientRequests | undefined

  constructor(
    readonly logger: Logger,
    readonly metrics: ApiMetrics,
  ) {}

  /** Per-client counts, registered on first use (only deployments with credentials have clients). */
  get clients(): ClientRequests {
    this.clientRequests ??= new ClientRequests(this.metrics.registry)
    return this.clientRequests
  }

  /** A recorder for one route pattern + method; create it when the route is registered. */
  route(route: string, method: string): RouteRecorder {
    const key = `${method} ${route}`
    let r = this.routes.get(key)
    if (r === undefined) {
      r = new RouteRecorder(this, route, method)
      this.routes.set(key, r)
    }
    return r
  }

  /** For paths off the hot path (errors, 404, hooks): looks the route up by the request. */
  done(
    request: FastifyRequest,
    status: number,
    error: string | null = null,
    err?: unknown,
    modelVersion?: string,
  ): void {
    const route = request.is404 ? UNMATCHED : (request.routeOptions.url ?? UNMATCHED)
    this.route(route, request.method).done(request, status, error, err, modelVersion)
  }
}

const RECORDED = Symbol('iris.recorded')

/**
 * X-Request-ID on every answer and one record per request once it is sent, by hooks scoped to the calling
 * plugin (and the plugins it registers). A prediction answer's X-Model-Version goes into its log line.
 * Requests the error or 404 handler already recorded are skipped.
 */
export function recordOnResponse(app: FastifyInstance, recorder: RequestRecorder): void {
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, next: () => void) => {
    reply.header('x-request-id', request.id)
    next()
  })
  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, next: () => void) => {
    const r = request as FastifyRequest & { [RECORDED]?: boolean }
    if (r[RECORDED] !== true) {
      r[RECORDED] = true
      const version = reply.getHeader('x-model-version')
      recorder.done(
        request,
        reply.statusCode,
        null,
        undefined,
        typeof version === 'string' ? version : undefined,
      )
    }
    next()
  })
}

/** Mark a request as recorded (the error and 404 handlers do, so a scoped hook will not log it twice). */
export function markRecorded(request: FastifyRequest): void {
  ;(request as FastifyRequest & { [RECORDED]?: boolean })[RECORDED] = true
}
