/**
 * Model reloads across a node:cluster. The primary owns the truth about which file serves:
 *  - a worker asks (POST /admin/reload) with {type: 'iris:reload-request'}; SIGHUP to the primary re-reads
 *    the serving file;
 *  - the primary sends {type: 'iris:reload'} with an absolute path to every listening worker, and each one
 *    loads, validates and swaps on its own (ModelReloader), answering {type: 'iris:reload-result'};
 *  - if any worker refuses, those that had swapped are put back on the previous file, so the cluster never
 *    serves two versions for longer than one reload; the asking worker gets {type: 'iris:reload-done'}.
 * Workers forked later start from the new file (the primary passes MODEL_PATH), and a worker that was
 * still starting during a reload is brought up to date when it begins listening.
 */
import cluster, { type Worker } from 'node:cluster'
import { randomUUID } from 'node:crypto'
import {
  ModelReloadError,
  type ModelReloader,
  publicFile,
  publicMessage,
  type Reloader,
  type ReloadReport,
  resolveModelPath,
} from '../model/reload.js'

export interface ReloadLog {
  info(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

type WorkerResult = { ok: true; version: string; previousVersion: string } | { ok: false; error: string }
type Done = { ok: true; report: ReloadReport } | { ok: false; error: string }

interface ReloadMsg {
  type: 'iris:reload'
  id: string
  path: string
}
interface ResultMsg {
  type: 'iris:reload-result'
  id: string
  result: WorkerResult
}
interface RequestMsg {
  type: 'iris:reload-request'
  id: string
  path: string | null
}
interface DoneMsg {
  type: 'iris:reload-done'
  id: string
  done: Done
}

const WORKER_TIMEOUT_MS = 60_000

function isMsg<T extends { type: string }>(m: unknown, type: T['type']): m is T {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === type
}

/** Ask one worker to reload `path`; resolves with its answer, or an error if it dies or times out. */
function askWorker(worker: Worker, path: string): Promise<WorkerResult> {
  const id = randomUUID()
  return new Promise((resolve) => {
    const finish = (r: WorkerResult) => {
      clearTimeout(timer)
      worker.off('message', onMessage)
      worker.off('exit', onExit)
      resolve(r)
    }
    const onMessage = (m: unknown) => {
      if (isMsg<ResultMsg>(m, 'iris:reload-result') && m.id === id) finish(m.result)
    }
    const onExit = () => finish({ ok: false, error: `worker ${worker.id} exited during the reload` })
    const timer = setTimeout(
      () => finish({ ok: false, error: `worker ${worker.id} did not answer in time` }),
      WORKER_TIMEOUT_MS,
    )
    worker.on('message', onMessage)
    worker.once('exit', onExit)
    worker.send({ type: 'iris:reload', id, path } satisfies ReloadMsg)
  })
}

export interface PrimaryReload {
  /** The file new workers must start from (pass it as MODEL_PATH to cluster.fork). */
  currentPath(): string
  /** Reload every listening worker; `path` absolute (already resolved), default the serving file. */
  reloadAll(path?: string): Promise<Done>
}

export function installPrimaryReload(
  initialPath: string,
  modelsDir: string,
  log: ReloadLog,
  onReloaded: () => void = () => {},
): PrimaryReload {
  let current = initialPath
  // Counts successful reloads: SIGHUP may re-read the same path with new contents, so paths do not tell.
  let generation = 0
  const forkedAt = new Map<number, number>()
  const listening = new Set<Worker>()
  let queue: Promise<unknown> = Promise.resolve()

  const run = async (path: string): Promise<Done> => {
    const workers = [...listening].filter((w) => w.isConnected())
    if (workers.length === 0) return { ok: false, error: 'no worker is ready to reload' }
    const results = await Promise.all(workers.map((w) => askWorker(w, path)))
    const failed = results.find((r): r is Extract<WorkerResult, { ok: false }> => !r.ok)
    if (failed) {
      const swapped = workers.filter((_, i) => results[i]!.ok)
      if (swapped.length > 0) await Promise.all(swapped.map((w) => askWorker(w, current)))
      log.error({ file: publicFile(path, modelsDir), error: failed.error }, 'Model reload refused')
      return { ok: false, error: failed.error }
    }
    const first = results[0] as Extract<WorkerResult, { ok: true }>
    current = path
    generation++
    onReloaded()
    const report = {
      version: first.version,
      previousVersion: first.previousVersion,
      file: publicFile(path, modelsDir),
      workers: workers.length,
    }
    log.info(
      {
        model_version: report.version,
        previous_version: report.previousVersion,
        file: report.file,
        workers: report.workers,
      },
      'Model reloaded',
    )
    return { ok: true, report }
  }
  const reloadAll = (path = current): Promise<Done> => {
    const p = queue.then(() => run(path))
    queue = p.catch(() => undefined)
    return p
  }

  cluster.on('fork', (w) => forkedAt.set(w.id, generation))
  cluster.on('listening', (w) => {
    listening.add(w)
    // Forked before the last reload finished: bring it to the serving file (serialised with reloads).
    if ((forkedAt.get(w.id) ?? generation) !== generation) {
      queue = queue.then(() => askWorker(w, current)).catch(() => undefined)
    }
  })
  cluster.on('exit', (w) => {
    listening.delete(w)
    forkedAt.delete(w.id)
  })
  cluster.on('message', (w, m: unknown) => {
    if (!isMsg<RequestMsg>(m, 'iris:reload-request')) return
    void reloadAll(m.path ?? undefined).then((done) => {
      if (w.isConnected()) w.send({ type: 'iris:reload-done', id: m.id, done } satisfies DoneMsg)
    })
  })
  process.on('SIGHUP', () => {
    log.info({ file: publicFile(current, modelsDir) }, 'SIGHUP: reloading the model on all workers')
    void reloadAll()
  })
  return { currentPath: () => current, reloadAll }
}

/** In a worker: answer the primary's reload orders, and return the Reloader for POST /admin/reload. */
export function installWorkerReload(reloader: ModelReloader): Reloader {
  const { modelsDir } = reloader
  // SIGHUP is the primary's to handle (it reloads every worker); a worker must not die of one sent to
  // the whole process group.
  process.on('SIGHUP', () => {})
  process.on('message', (m: unknown) => {
    if (!isMsg<ReloadMsg>(m, 'iris:reload')) return
    reloader
      .reloadFile(m.path)
      .then(
        (o) => ({ ok: true as const, version: o.version, previousVersion: o.previousVersion }),
        (err: Error) => ({ ok: false as const, error: publicMessage(err.message, modelsDir) }),
      )
      .then((result) => process.send?.({ type: 'iris:reload-result', id: m.id, result } satisfies ResultMsg))
  })
  const pending = new Map<string, (d: Done) => void>()
  process.on('message', (m: unknown) => {
    if (!isMsg<DoneMsg>(m, 'iris:reload-done')) return
    pending.get(m.id)?.(m.done)
    pending.delete(m.id)
  })
  return async (requested) => {
    const path = requested === undefined ? null : resolveModelPath(modelsDir, requested)
    const id = randomUUID()
    const done = await new Promise<Done>((resolve) => {
      pending.set(id, resolve)
      process.send?.({ type: 'iris:reload-request', id, path } satisfies RequestMsg)
    })
    if (done.ok) return done.report
    throw new ModelReloadError(`model reload refused, still serving ${reloader.version}: ${done.error}`)
  }
}

/** Without a cluster (one process): SIGHUP re-reads the serving file in place. */
export function installStandaloneReload(reloader: ModelReloader, log: ReloadLog): void {
  const { modelsDir } = reloader
  process.on('SIGHUP', () => {
    reloader.reloadFile().then(
      (o) =>
        log.info(
          {
            model_version: o.version,
            previous_version: o.previousVersion,
            file: publicFile(o.path, modelsDir),
          },
          'Model reloaded',
        ),
      (err: Error) => log.error({ error: publicMessage(err.message, modelsDir) }, 'Model reload refused'),
    )
  })
}
