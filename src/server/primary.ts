/**
 * The cluster primary: forks WORKERS workers running `entry` plus STANDBY_WORKERS warm standbys
 * (src/server/pool.ts), replaces any that dies (and says so), serves the serving workers' /metrics
 * aggregation, and on SIGTERM/SIGINT asks every worker to drain, then exits 0.
 * It never loads the app: it stays small and starts fast.
 */
import cluster, { type Worker } from 'node:cluster'
import { resolve } from 'node:path'
import { Registry } from 'prom-client'
import { createLogger } from '../api/logging.js'
import type { Config } from '../config.js'
import { modelsDirOf } from '../model/reload.js'
import { serveClusterMetrics } from './cluster-metrics.js'
import { serveClusterDrift } from './drift-cluster.js'
import { serveClusterFeedback } from './feedback-cluster.js'
import { workerEnv, workerExecArgv } from './memory-settings.js'
import { installPrimaryModelSource } from './model-source.js'
import { WorkerPool } from './pool.js'
import { serveClusterRateLimit } from './rate-limit-primary.js'
import { installPrimaryReload } from './reload-cluster.js'
import { serveClusterRollout } from './rollout-cluster.js'
import { exitAfterFlush, WORKER_LISTEN, WORKER_LOADED, WORKER_READY } from './worker.js'

/**
 * How long to wait before forking again. Workers that keep failing before their model is in back off
 * exponentially (the first retry at once, then 1 s, 2 s... up to a minute); others are replaced at once
 * unless more than five died in the last 10 s (then 1 s), so a crash loop cannot spin.
 */
export function restartDelayMs(startFailures: number, diedStarting: boolean, recentDeaths: number): number {
  if (diedStarting && startFailures > 1) return Math.min(60_000, 1000 * 2 ** (startFailures - 2))
  return recentDeaths > 5 ? 1000 : 0
}

export function runPrimary(config: Config, entry: string): void {
  const logger = createLogger(config.LOG_LEVEL)
  cluster.setupPrimary({ exec: entry, execArgv: workerExecArgv() })
  const pool: WorkerPool<Worker> = new WorkerPool(config.WORKERS, config.STANDBY_WORKERS, {
    // In registry mode each worker reads the registry itself; in MODEL_PATH mode it starts from the serving file.
    fork: () => cluster.fork({ ...workerEnv(), ...(reload ? { MODEL_PATH: reload.currentPath() } : {}) }),
    listen: (w) => w.send({ type: WORKER_LISTEN }),
    retire: (w) => w.process.kill('SIGTERM'),
  })
  // Drift is judged once for the instance, here, from every serving worker's window (./drift-cluster.ts);
  // its gauges follow the workers' aggregate in /metrics.
  const driftRegistry = new Registry()
  serveClusterMetrics(() => pool.serving(), driftRegistry)
  serveClusterDrift(config, () => pool.serving(), logger, driftRegistry)
  // The instance's rate-limit counts, asked by every worker (with REDIS_URL they go to Redis instead).
  if (config.REDIS_URL === '') serveClusterRateLimit(config.WORKERS, config.RATE_LIMIT_STORE_TIMEOUT_MS)
  // The rollout gate judges the instance's summed feedback once, here (./rollout-cluster.ts).
  serveClusterRollout(config)
  // Labelled feedback rows from every worker are appended to the registry's feedback.csv here, by one process.
  serveClusterFeedback(logger)
  // SIGHUP, registry polls and POST /admin/reload reach every serving worker through here (the registry relay,
  // or the file reload relay with MODEL_PATH); standbys (which hold the old model) are replaced.
  const reload = installPrimaryModelSource(config, logger, () => pool.reloaded())
    ? null
    : installPrimaryReload(
        resolve(config.MODEL_PATH),
        modelsDirOf(config.MODELS_DIR, config.MODEL_PATH),
        logger,
        () => pool.reloaded(),
      )

  let stopping = false
  let everReady = false
  let announced = false
  // When each serving worker that is still to be replaced died: the log says how long replacing took.
  const deaths: number[] = []
  const recentDeaths: number[] = []
  // Workers that died before loading their model, in a row: a model file broken on disk would otherwise
  // make the primary fork a standby (or replacement) again and again, each one spending a start-up's CPU.
  let startFailures = 0
  const alive = () =>
    Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead())

  cluster.on('message', (w, msg: { type?: string; address?: string }) => {
    if (stopping) return
    if (msg?.type === WORKER_LOADED) {
      startFailures = 0
      pool.loaded(w)
      if (pool.isStandby(w)) logger.info({ pid: w.process.pid }, 'Standby worker ready')
      return
    }
    if (msg?.type !== WORKER_READY) return
    everReady = true
    // Operators (and the tests) need to know when the whole pool serves, not just the first worker.
    if (pool.listening(w)) logger.info({ workers: config.WORKERS }, 'All workers ready')
    if (!announced) {
      announced = true
      logger.info({ address: msg.address, workers: config.WORKERS, pid: process.pid }, 'Server listening')
    }
    const diedAt = deaths.shift()
    if (diedAt !== undefined)
      logger.info({ pid: w.process.pid, replaced_in_ms: Date.now() - diedAt }, 'Worker replaced')
  })

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (alive().length === 0) exitAfterFlush(logger, exitCode)
      return
    }
    if (!everReady) {
      // A worker that cannot even start (bad model, port taken) will not do better on a retry.
      logger.fatal({ pid: worker.process.pid, code, signal }, 'A worker failed during start-up; stopping')
      stop('start-up failure', 1)
      return
    }
    const now = Date.now()
    const died = pool.exited(worker, false)
    if (died.was === 'retired') return
    recentDeaths.push(now)
    while ((recentDeaths[0] as number) < now - 10_000) recentDeaths.shift()
    if (died.was === 'starting') startFailures++
    const delay = restartDelayMs(startFailures, died.was === 'starting', recentDeaths.length)
    if (died.was === 'serving' || died.was === 'activating') deaths.push(now)
    setTimeout(() => stopping || pool.topUp(), delay)
    logger.error(
      {
        pid: worker.process.pid,
        code,
        signal,
        role: died.was,
        ...(died.takesOver ? { standby_takes_over: died.takesOver.process.pid } : {}),
        restart_in_ms: delay,
      },
      'Worker died; starting a replacement',
    )
  })
  let exitCode = 0
  const stop = (reason: string, code = 0) => {
    if (stopping) return
    stopping = true
    exitCode = code
    logger.info({ reason, grace_s: config.SHUTDOWN_GRACE_S }, 'Stopping workers')
    const workers = alive()
    if (workers.length === 0) exitAfterFlush(logger, exitCode)
    for (const w of workers) w.process.kill('SIGTERM')
    // Workers enforce the grace period themselves; this is the backstop if one hangs.
    setTimeout(
      () => {
        for (const w of alive()) w.process.kill('SIGKILL')
        exitAfterFlush(logger, exitCode)
      },
      config.SHUTDOWN_GRACE_S * 1000 + 3000,
    ).unref()
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))

  pool.start()
}
