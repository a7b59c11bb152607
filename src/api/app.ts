/**
 * buildApp(config, models): the Fastify app, without a port (tests use app.inject; src/server/worker.ts listens).
 * Performance choices, each measured (docs/decisions/010-http-hot-path.md): no Fastify request logging (we
 * write one line per request ourselves), request id + arrival time in genReqId, no onRequest/onResponse
 * hooks on hot routes, JSON.parse registered for application/json with '*' as the fallback (the seed
 * parsed every body as JSON), hand-written input validation and replies. Plain JSON predictions go through a
 * fast lane ahead of Fastify's router when no security hook must see them (fast-lane.ts, decision 016).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import type { ModelSlot } from '../model/model-slot.js'
import { ServedVersions, type ServingRegistry } from '../model/registry/index.js'
import { modelReloaderFor, type Reloader } from '../model/reload.js'
import type { ApiContext } from './context.js'
import { type DriftSource, driftRoutes } from './drift/route.js'
import { DriftService } from './drift/service.js'
import { installErrorHandlers } from './errors.js'
import { FastLane } from './fast-lane.js'
import { clientErrorHandler, frameworkErrorHandler } from './framework-errors.js'
import { createHttpServer, type HttpServerOptions } from './http-server.js'
import { parseJsonText } from './input.js'
import { createLogger, type Logger } from './logging.js'
import { ApiMetrics } from './metrics/index.js'
import { predictEndpoints } from './predict-endpoint.js'
import { RequestRecorder, recordOnResponse } from './recorder.js'
import { makeGenReqId } from './request-id.js'
import type { TallyPort } from './rollout/engine.js'
import { installRollout } from './rollout/install.js'
import { adminRoutes } from './routes/admin.js'
import { registerOpenApi } from './routes/docs.js'
import { recordedRoutePlugins, selfRecordingRoutePlugins } from './routes/index.js'
import { rolloutAdminRoutes } from './routes/rollout-admin.js'
import {
  adminEnabled,
  nothingGuardsPredictions,
  securityOptionsFrom,
  securityPlugin,
} from './security/index.js'
import { laneChecks } from './security/lane-checks.js'
import { failedAuthCounter, type LimiterStore, rateLimitOptionsFrom } from './security/rate-limit.js'

export interface BuildOptions {
  /** Defaults to a pino logger on stdout at config.LOG_LEVEL (tests pass one writing to memory). */
  logger?: Logger
  /** Defaults to a fresh registry with Node default metrics. */
  metrics?: ApiMetrics
  /** GET /metrics text; defaults to this process's registry (src/server/worker.ts passes the cluster aggregate). */
  metricsText?: () => Promise<string>
  /** API version shown in the OpenAPI document. */
  version?: string
  /** POST /admin/reload; defaults to reloading in this process (src/server/worker.ts passes the cluster relay). */
  reload?: Reloader
  /** Where rate-limit counts live without REDIS_URL; default this process (a cluster worker asks the primary). */
  rateLimitStore?: LimiterStore
  /** Every loaded registry version (src/server/model-source.ts); default none (MODEL_PATH mode, tests). */
  versions?: ServedVersions
  /** The registry served, for GET /models; default none. */
  registry?: ServingRegistry | null
  /** GET /drift's reports; default this process's monitor (a cluster worker asks the primary's). */
  drift?: DriftSource
  /** Where rollout counts are summed and the gate decides; default this process (a cluster worker: the primary). */
  rolloutTally?: TallyPort
  /** Times predictions for the rollout gate's p99 rule; default performance.now (tests pass a fake). */
  rolloutClock?: () => number
}

export type App = FastifyInstance

function parseJsonBody(
  _req: unknown,
  body: string | Buffer,
  done: (err: Error | null, body?: unknown) => void,
): void {
  let parsed: unknown
  try {
    parsed = parseJsonText(body as string)
  } catch (e) {
    done(e as Error)
    return
  }
  done(null, parsed)
}

export async function buildApp(config: Config, models: ModelSlot, options: BuildOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL)
  const metrics =
    options.metrics ??
    new ApiMetrics({ currentModel: () => models.current, driftWindowRows: config.DRIFT_WINDOW_ROWS })
  const requestTimeout = config.REQUEST_TIMEOUT_S * 1000
  const genReqId = makeGenReqId(metrics)
  const serverOptions: HttpServerOptions = {
    keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_S * 1000,
    requestTimeout,
    http: {
      headersTimeout: Math.min(config.HEADERS_TIMEOUT_S * 1000, requestTimeout),
      // Node checks request/headers timeouts on this interval (default 30 s): cut slow clients promptly.
      connectionsCheckingInterval: 1000,
    },
  }
  const security = await securityOptionsFrom(config, logger)
  // TRUST_PROXY and the rate limiter (counts in this process, the cluster primary or Redis).
  security.rateLimit = await rateLimitOptionsFrom(config, {
    store: options.rateLimitStore,
    logger,
    registry: metrics.registry,
  })
  security.onAuthFailure ??= failedAuthCounter(security.rateLimit)
  const recorder = new RequestRecorder(logger, metrics)
  // Router and HTTP-parser faults answered in our shape, headers, request id and log line too.
  const frameworkDeps = { recorder, logger, headers: security.headerSets.api }
  // Set below, once the security options say whether the lane may run.
  let lane: FastLane | undefined
  const app = Fastify({
    logger: false,
    genReqId,
    bodyLimit: config.BODY_LIMIT,
    // While draining, keep serving requests that arrive on open connections (with Connection: close)
    // instead of answering 503 in a shape that is not ours.
    return503OnClosing: false,
    // request.ip: the peer, or the client X-Forwarded-For names through trusted proxies (TRUST_PROXY).
    ...(security.rateLimit.trust === undefined ? {} : { trustProxy: security.rateLimit.trust }),
    frameworkErrors: frameworkErrorHandler(frameworkDeps),
    clientErrorHandler: clientErrorHandler(frameworkDeps),
    // Our server (timeouts included) instead of Fastify's, so the fast lane sees each request first.
    serverFactory: (fastifyHandler) =>
      createHttpServer(serverOptions, (req, res) => lane?.handle(req, res) === true, fastifyHandler),
  }).withTypeProvider<TypeBoxTypeProvider>()

  const ctx: ApiContext = {
    config,
    models,
    metrics,
    recorder,
    logger,
    metricsText: options.metricsText ?? (() => metrics.text()),
    documentHeaders: security.headerSets,
    versions: options.versions ?? new ServedVersions(),
    registry: options.registry ?? null,
  }

  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJsonBody)
  app.addContentTypeParser('*', { parseAs: 'string' }, parseJsonBody)
  installErrorHandlers(app, recorder, config.BODY_LIMIT)
  const reload = options.reload ?? modelReloaderFor(config, models).local
  // Before the predict endpoints are made: they route canary traffic through it (src/api/rollout).
  installRollout(ctx, () => reload, options.rolloutTally, options.rolloutClock)

  // Headers, API keys and rate limits first, so their hooks cover every route (src/api/security).
  await app.register(securityPlugin, { ...security, recorder, logger })
  await registerOpenApi(app, options.version ?? '1.0.0')
  if (config.HTTP_FAST_LANE) {
    const fast = new FastLane({
      endpoints: predictEndpoints(ctx),
      genReqId,
      headers: security.headerSets.api,
      bodyLimit: config.BODY_LIMIT,
      // Keys, tokens, limits, CORS: the same checks as the security hooks (security/lane-checks.ts).
      ...(nothingGuardsPredictions(security) ? {} : { checks: laneChecks(security) }),
    })
    app.addHook('preClose', (done) => {
      fast.closing = true
      done()
    })
    lane = fast
  }
  const drift = options.drift ?? localDrift(config, metrics, logger, app)
  // The routes that are not hot, in one scope whose hooks do their bookkeeping (src/api/recorder.ts).
  await app.register(async (recorded: FastifyInstance) => {
    recordOnResponse(recorded, recorder)
    for (const plugin of recordedRoutePlugins) await recorded.register(plugin, ctx)
    await recorded.register(adminRoutes, { ...ctx, reload, enabled: adminEnabled(security) })
    await recorded.register(rolloutAdminRoutes, { ...ctx, reload, enabled: adminEnabled(security) })
    await recorded.register(driftRoutes, { ...ctx, drift })
  })
  for (const plugin of selfRecordingRoutePlugins) await app.register(plugin, ctx)
  return app as unknown as App
}

/** Drift evaluated in this process (WORKERS=1, tests): its windows, its gauges, its webhook timer. */
function localDrift(config: Config, metrics: ApiMetrics, logger: Logger, app: FastifyInstance): DriftSource {
  const windows = metrics.drift
  const service = new DriftService(
    config,
    async () => ({ snapshots: windows.snapshots(), referenceOf: (v) => windows.referenceOf(v) }),
    logger,
    metrics.registry,
  )
  service.start()
  app.addHook('onClose', (_app, done) => {
    service.stop()
    done()
  })
  return service.monitor
}
