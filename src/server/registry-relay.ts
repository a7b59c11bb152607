/**
 * Registry changes (aliases edited by `iris models`, another instance or the rollout engine) reach running
 * servers here, like model reloads do (./reload-cluster.ts):
 *  - the primary (or a lone process) polls the registry every REGISTRY_POLL_S seconds: a cheap fingerprint
 *    first, the full snapshot only when it moved; SIGHUP and POST /admin/reload (no path) sync at once;
 *  - the primary sends {type: 'iris:registry-apply', snapshot} to every listening worker; each one loads,
 *    validates and swaps on its own (RegistryApplier) and answers {type: 'iris:registry-result'};
 *  - if any worker refuses, those that had swapped are put back on the last snapshot all accepted, and the
 *    refusal is logged: the cluster never serves two versions for longer than one sync;
 *  - a worker that starts listening later gets the last accepted snapshot (a no-op if it read the same).
 */
import cluster, { type Worker } from 'node:cluster'
import { randomUUID } from 'node:crypto'
import {
  type ApplyOutcome,
  type NameSnapshot,
  type RegistryApplier,
  type ServingRegistry,
  STABLE,
} from '../model/registry/index.js'
import { ModelPathError, ModelReloadError, type Reloader, type ReloadReport } from '../model/reload.js'

export interface RegistryLog {
  info(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

type Result = ({ ok: true } & ApplyOutcome) | { ok: false; error: string }
type Done = { ok: true; report: ReloadReport } | { ok: false; error: string }
interface ApplyMsg {
  type: 'iris:registry-apply'
  id: string
  snapshot: NameSnapshot
}
interface ResultMsg {
  type: 'iris:registry-result'
  id: string
  result: Result
}
interface RequestMsg {
  type: 'iris:registry-request'
  id: string
}
interface DoneMsg {
  type: 'iris:registry-done'
  id: string
  done: Done
}

const WORKER_TIMEOUT_MS = 60_000

function isMsg<T extends { type: string }>(m: unknown, type: T['type']): m is T {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === type
}

const fileOf = (name: string, version: string) => `${name}/${version}/${name}.json`

/** In registry mode a reload re-reads the registry; loading a file by path is MODEL_PATH mode's. */
function refusePath(requested: string | undefined): void {
  if (requested !== undefined)
    throw new ModelPathError(
      'this server serves the model registry (MODELS_DIR): change its aliases (iris models alias|promote|rollback) instead of loading a file',
    )
}

function askWorker(worker: Worker, snapshot: NameSnapshot): Promise<Result> {
  const id = randomUUID()
  return new Promise((resolve) => {
    const finish = (r: Result) => {
      clearTimeout(timer)
      worker.off('message', onMessage)
      worker.off('exit', onExit)
      resolve(r)
    }
    const onMessage = (m: unknown) => {
      if (isMsg<ResultMsg>(m, 'iris:registry-result') && m.id === id) finish(m.result)
    }
    const onExit = () => finish({ ok: false, error: `worker ${worker.id} exited during the registry sync` })
    const timer = setTimeout(
      () => finish({ ok: false, error: `worker ${worker.id} did not answer in time` }),
      WORKER_TIMEOUT_MS,
    )
    worker.on('message', onMessage)
    worker.once('exit', onExit)
    worker.send({ type: 'iris:registry-apply', id, snapshot } satisfies ApplyMsg)
  })
}

/** Polls the fingerprint every pollS seconds and calls `sync(false)`; SIGHUP calls `sync(true)`. */
function watch(target: ServingRegistry, log: RegistryLog, sync: (force: boolean) => Promise<Done>): void {
  if (target.pollS > 0) setInterval(() => void sync(false), target.pollS * 1000).unref()
  process.on('SIGHUP', () => {
    log.info({ model: target.name }, 'SIGHUP: re-reading the model registry')
    void sync(true)
  })
}

/** Serialises syncs and skips unchanged fingerprints (unless forced). */
function syncer(target: ServingRegistry, log: RegistryLog, run: (s: NameSnapshot) => Promise<Done>) {
  let lastSignature = ''
  let queue: Promise<unknown> = Promise.resolve()
  const once = async (force: boolean): Promise<Done> => {
    try {
      const signature = await target.registry.signature(target.name)
      if (!force && signature === lastSignature) return { ok: false, error: 'unchanged' }
      lastSignature = signature
      return await run(await target.registry.snapshot(target.name))
    } catch (err) {
      log.error({ model: target.name, error: (err as Error).message }, 'Registry sync refused')
      return { ok: false, error: (err as Error).message }
    }
  }
  return (force: boolean): Promise<Done> => {
    const p = queue.then(() => once(force))
    queue = p.catch(() => undefined)
    return p
  }
}

function logApplied(log: RegistryLog, name: string, o: ApplyOutcome, workers: number): ReloadReport {
  const report = {
    previousVersion: o.previousVersion,
    version: o.version,
    file: fileOf(name, o.version),
    workers,
  }
  if (o.changed)
    log.info(
      {
        model: name,
        model_version: o.version,
        previous_version: o.previousVersion,
        revision: o.revision,
        workers,
      },
      'Registry change applied',
    )
  return report
}

/** The cluster primary's side. `onChanged` runs after every applied change (standbys hold the old set). */
export function installPrimaryRegistry(
  target: ServingRegistry,
  log: RegistryLog,
  onChanged: () => void,
): void {
  let accepted: NameSnapshot | null = null
  const listening = new Set<Worker>()
  const run = async (snapshot: NameSnapshot): Promise<Done> => {
    const workers = [...listening].filter((w) => w.isConnected())
    if (workers.length === 0) return { ok: false, error: 'no worker is ready' }
    const results = await Promise.all(workers.map((w) => askWorker(w, snapshot)))
    const failed = results.find((r): r is Extract<Result, { ok: false }> => !r.ok)
    if (failed) {
      const swapped = workers.filter((_, i) => results[i]!.ok)
      if (accepted !== null && swapped.length > 0)
        await Promise.all(swapped.map((w) => askWorker(w, accepted!)))
      log.error(
        {
          model: target.name,
          revision: snapshot.revision,
          stable: snapshot.aliases[STABLE],
          error: failed.error,
        },
        'Registry change refused, still serving the previous versions',
      )
      return { ok: false, error: failed.error }
    }
    accepted = snapshot
    const first = results[0] as Extract<Result, { ok: true }>
    const changed = results.some((r) => r.ok && r.changed)
    if (changed) onChanged()
    return { ok: true, report: logApplied(log, target.name, { ...first, changed }, workers.length) }
  }
  const sync = syncer(target, log, run)
  watch(target, log, sync)
  cluster.on('listening', (w) => {
    listening.add(w)
    if (accepted !== null) void askWorker(w, accepted)
  })
  cluster.on('exit', (w) => listening.delete(w))
  cluster.on('message', (w, m: unknown) => {
    if (!isMsg<RequestMsg>(m, 'iris:registry-request')) return
    void sync(true).then((done) => {
      if (w.isConnected()) w.send({ type: 'iris:registry-done', id: m.id, done } satisfies DoneMsg)
    })
  })
}

/** In a worker: apply the primary's snapshots; the returned Reloader (POST /admin/reload) asks for a sync. */
export function installWorkerRegistry(applier: RegistryApplier): Reloader {
  process.on('SIGHUP', () => {}) // the primary's to handle
  process.on('message', (m: unknown) => {
    if (!isMsg<ApplyMsg>(m, 'iris:registry-apply')) return
    applier
      .apply(m.snapshot)
      .then(
        (o): Result => ({ ok: true, ...o }),
        (err: Error): Result => ({ ok: false, error: err.message }),
      )
      .then((result) =>
        process.send?.({ type: 'iris:registry-result', id: m.id, result } satisfies ResultMsg),
      )
  })
  const pending = new Map<string, (d: Done) => void>()
  process.on('message', (m: unknown) => {
    if (!isMsg<DoneMsg>(m, 'iris:registry-done')) return
    pending.get(m.id)?.(m.done)
    pending.delete(m.id)
  })
  return async (requested) => {
    refusePath(requested)
    const id = randomUUID()
    const done = await new Promise<Done>((resolve) => {
      pending.set(id, resolve)
      process.send?.({ type: 'iris:registry-request', id } satisfies RequestMsg)
    })
    if (done.ok) return done.report
    throw new ModelReloadError(
      `registry sync refused, still serving version ${applier.version}: ${done.error}`,
    )
  }
}

/** One process (WORKERS=1): poll and SIGHUP apply in place; the Reloader syncs at once. */
export function installStandaloneRegistry(
  applier: RegistryApplier,
  target: ServingRegistry,
  log: RegistryLog,
): Reloader {
  const sync = syncer(target, log, async (snapshot) => {
    try {
      return { ok: true, report: logApplied(log, target.name, await applier.apply(snapshot), 1) }
    } catch (err) {
      log.error(
        { model: target.name, revision: snapshot.revision, error: (err as Error).message },
        'Registry change refused, still serving the previous versions',
      )
      return { ok: false, error: (err as Error).message }
    }
  })
  watch(target, log, sync)
  return async (requested) => {
    refusePath(requested)
    const done = await sync(true)
    if (done.ok) return done.report
    throw new ModelReloadError(
      `registry sync refused, still serving version ${applier.version}: ${done.error}`,
    )
  }
}
