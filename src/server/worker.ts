/**
 * One serving process: build the app, listen, load the model, and on SIGTERM/SIGINT stop accepting,
 * let in-flight requests finish (up to SHUTDOWN_GRACE_S) and exit 0. Used by every cluster worker, and
 * directly (no primary) when WORKERS=1, which starts faster and saves a process.
 */
import cluster from 'node:cluster'
import type { AddressInfo } from 'node:net'
import { buildApp } from '../api/app.js'
import { setFeedbackSink } from '../api/feedback/sink.js'
import { createLogger, type Logger } from '../api/logging.js'
import { ApiMetrics } from '../api/metrics/index.js'
import type { Config } from '../config.js'
import { ModelSlot } from '../model/model-slot.js'
import { workerMetricsSource } from './cluster-metrics.js'
import { workerDriftSource } from './drift-cluster.js'
import { workerFeedbackSink } from './feedback-cluster.js'
import { modelSourceFor } from './model-source.js'
import { ClusterLimiterStore } from './rate-limit-worker.js'
import { workerRolloutTally } from './rollout-cluster.js'

/** Worker -> primary: the model is loaded; waiting for WORKER_LISTEN (src/server/pool.ts decides when). */
export const WORKER_LOADED = 'iris:worker-loaded'
/** Primary -> worker: start listening (at once for the pool, on a death for a warm standby). */
export const WORKER_LISTEN = 'iris:worker-listen'
/** Worker -> primary: listening, with its address. */
export const WORKER_READY = 'iris:worker-ready'

function listenOrder(): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (msg: { type?: string }) => {
      if (msg?.type !== WORKER_LISTEN) return
      process.off('message', onMessage)
      resolve()
    }
    process.on('message', onMessage)
  })
}

export function exitAfterFlush(logger: Logger, code: number): void {
  const timer = setTimeout(() => process.exit(code), 500)
  timer.unref()
  try {
    logger.flush(() => process.exit(code))
  } catch {
    process.exit(code)
  }
}

/**
 * The address the server bound, as a URL: for HOST=0.0.0.0 that is http://0.0.0.0:8000 (every interface),
 * where Fastify's own answer would name 127.0.0.1 only.
 */
export function boundAddress(address: AddressInfo | string | null): string {
  if (address === null || typeof address === 'string') return String(address)
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `http://${host}:${address.port}`
}

export async function runWorker(config: Config): Promise<void> {
  const inCluster = cluster.isWorker
  // Each cluster channel (reloads, registry, metrics, rate limits, drift windows, rollout tallies, feedback)
  // listens to the primary's messages on `process`: more than Node's default warning threshold of 10.
  if (inCluster) process.setMaxListeners(32)
  const logger = createLogger(config.LOG_LEVEL)
  const crash = (kind: string) => (err: unknown) => {
    logger.fatal({ err }, `${kind}: the process stops`)
    exitAfterFlush(logger, 1)
  }
  process.on('uncaughtException', crash('Uncaught exception'))
  process.on('unhandledRejection', crash('Unhandled rejection'))

  const models = new ModelSlot()
  const metrics = new ApiMetrics({
    currentModel: () => models.current,
    driftWindowRows: config.DRIFT_WINDOW_ROWS,
  })
  // The registry's versions or one file; reloads (POST /admin/reload, SIGHUP, registry polls) relayed through
  // the primary in a cluster, else in-process (./model-source.ts).
  const source = modelSourceFor(config, models, logger, inCluster)
  const reload = source.reload
  // Feedback rows go to the primary, the one process that appends to the registry's feedback.csv.
  if (inCluster) setFeedbackSink(workerFeedbackSink())
  const app = await buildApp(config, models, {
    logger,
    metrics,
    reload,
    versions: source.versions,
    registry: source.registry,
    ...(inCluster ? { metricsText: workerMetricsSource(metrics.registry) } : {}),
    // The primary judges drift for the instance from every worker's window (./drift-cluster.ts).
    ...(inCluster ? { drift: workerDriftSource(metrics.drift) } : {}),
    // The primary sums every worker's rollout counts and runs the gate once (./rollout-cluster.ts).
    ...(inCluster ? { rolloutTally: workerRolloutTally() } : {}),
    // Rate-limit counts for the whole instance live in the primary (unless REDIS_URL shares them wider).
    ...(inCluster && config.REDIS_URL === ''
      ? { rateLimitStore: new ClusterLimiterStore(config.RATE_LIMIT_STORE_TIMEOUT_MS) }
      : {}),
  })

  let closing = false
  // A cluster worker serves once the primary orders it to listen; until then it is a warm standby.
  let serving = !inCluster
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    if (serving) {
      logger.info(
        { signal, role: 'serving', grace_s: config.SHUTDOWN_GRACE_S },
        'Shutting down: finishing in-flight requests',
      )
    } else {
      // Routine: the primary retires a standby (e.g. one loaded with the model a reload replaced).
      logger.info({ signal, role: 'standby' }, 'Standby worker stopping (it served no requests)')
    }
    const force = setTimeout(() => {
      logger.error({ grace_s: config.SHUTDOWN_GRACE_S }, 'Grace period over: closing remaining connections')
      app.server.closeAllConnections()
      exitAfterFlush(logger, 0)
    }, config.SHUTDOWN_GRACE_S * 1000)
    force.unref()
    app.close().then(
      () => exitAfterFlush(logger, 0),
      (err) => {
        logger.error({ err }, 'Error while closing')
        exitAfterFlush(logger, 1)
      },
    )
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
  // A worker whose primary is gone has no one to answer to.
  if (inCluster) process.on('disconnect', () => shutdown('primary disconnected'))

  // One process: listen first so /health and /health/live answer at once; /health/ready waits for the model.
  // In a cluster the primary hands connections to every listening worker, so a worker listens only once
  // its model is loaded: a starting (or replacement) worker never answers 503 to prediction traffic. Then
  // it waits for the primary's order: it may be kept as a warm standby (src/server/pool.ts).
  const listen = async () => {
    await app.listen({ port: config.PORT, host: config.HOST })
    serving = true
    return boundAddress(app.server.address())
  }
  const address = inCluster ? '' : await listen()
  if (!inCluster) logger.info({ address, workers: 1, pid: process.pid }, 'Server listening')
  try {
    await source.loadFirst()
    const model = models.current!
    logger.info({ ...source.where, model: model.name, version: model.version }, 'Model loaded')
  } catch (err) {
    logger.fatal({ err, ...source.where }, 'The model could not be loaded')
    exitAfterFlush(logger, 1)
    return
  }
  if (!inCluster) return
  // Compile routes and schemas now, so that a standby's listen() is only the listen.
  await app.ready()
  const ordered = listenOrder()
  process.send?.({ type: WORKER_LOADED })
  await ordered
  if (closing) return
  process.send?.({ type: WORKER_READY, address: await listen() })
}
