/**
 * Drift across a node:cluster. Design (as for /metrics, ./cluster-metrics.ts): each worker keeps its own
 * windows (recording is local and allocation-free); the primary owns the instance's drift monitor. To
 * evaluate, it asks every serving worker for its windows over IPC, merges each version's rows by arrival
 * time, and compares them with the version's reference (sent once per version by a worker). A worker that
 * receives GET /drift asks the primary for the report; the primary's drift gauges are appended to the
 * aggregated /metrics text; the webhook timer runs in the primary, so an instance sends one event, not one
 * per worker.
 */
import cluster, { type Worker } from 'node:cluster'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type { Collected } from '../api/drift/monitor.js'
import type { DriftReport } from '../api/drift/report.js'
import type { DriftSource } from '../api/drift/route.js'
import { DriftService, type DriftSettings } from '../api/drift/service.js'
import type { DriftWindows, WindowSnapshot } from '../api/drift/window.js'
import {
  type ReferenceJson,
  type ReferenceProfile,
  referenceToJson,
  validateReference,
} from '../model/reference-profile.js'

const COLLECT = 'iris:drift-collect'
const COLLECTED = 'iris:drift-collected'
const REQ = 'iris:drift-req'
const RES = 'iris:drift-res'

interface CollectMsg {
  type: typeof COLLECT
  id: number
  /** Versions whose reference the primary already holds. */
  known: string[]
}
interface CollectedMsg {
  type: typeof COLLECTED
  id: number
  snapshots: WindowSnapshot[]
  references: Record<string, ReferenceJson | null>
}
interface ReqMsg {
  type: typeof REQ
  id: number
  version: string
}
interface ResMsg {
  type: typeof RES
  id: number
  report?: DriftReport | null
  error?: string
}

const isType = (msg: unknown, type: string): boolean =>
  typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === type

let nextId = 0

/** In the primary: the instance's drift service over every serving worker's windows; answers workers' GET /drift. */
export function serveClusterDrift(
  settings: DriftSettings,
  serving: () => readonly Worker[],
  logger: Logger,
  registry: Registry,
  timeoutMs = 5000,
): DriftService {
  const references = new Map<string, ReferenceProfile | null>()
  const one = (w: Worker) =>
    new Promise<CollectedMsg | null>((resolve) => {
      const id = nextId++
      const finish = (m: CollectedMsg | null) => {
        clearTimeout(timer)
        w.off('message', onMessage)
        w.off('exit', onExit)
        resolve(m)
      }
      const onMessage = (msg: CollectedMsg) => {
        if (isType(msg, COLLECTED) && msg.id === id) finish(msg)
      }
      const onExit = () => finish(null)
      // A worker that does not answer in time is left out of this evaluation, with a log line.
      const timer = setTimeout(() => {
        logger.warn({ worker: w.id }, 'Drift: a worker did not send its window in time')
        finish(null)
      }, timeoutMs)
      w.on('message', onMessage)
      w.once('exit', onExit)
      w.send({ type: COLLECT, id, known: [...references.keys()] } satisfies CollectMsg)
    })
  const collect = async (): Promise<Collected> => {
    const answers = await Promise.all(
      serving()
        .filter((w) => w.isConnected())
        .map(one),
    )
    const snapshots: WindowSnapshot[] = []
    for (const a of answers) {
      if (a === null) continue
      snapshots.push(...a.snapshots)
      for (const [version, json] of Object.entries(a.references)) {
        if (references.has(version)) continue
        const s = a.snapshots.find((x) => x.version === version)
        if (s === undefined) continue
        try {
          references.set(version, json === null ? null : validateReference(json, s.featureNames, s.classes))
        } catch (err) {
          logger.error({ err, version }, 'Drift: a worker sent a reference profile that does not check')
        }
      }
    }
    return { snapshots, referenceOf: (v) => references.get(v) }
  }
  const service = new DriftService(settings, collect, logger, registry)
  cluster.on('message', (worker, msg: ReqMsg) => {
    if (!isType(msg, REQ)) return
    service.monitor.report(msg.version).then(
      (report) => worker.isConnected() && worker.send({ type: RES, id: msg.id, report } satisfies ResMsg),
      (err: Error) =>
        worker.isConnected() && worker.send({ type: RES, id: msg.id, error: err.message } satisfies ResMsg),
    )
  })
  service.start()
  return service
}

/** In a worker: send this process's windows when the primary collects; GET /drift asks the primary. */
export function workerDriftSource(windows: DriftWindows, timeoutMs = 5000): DriftSource {
  process.on('message', (msg: CollectMsg) => {
    if (!isType(msg, COLLECT)) return
    const snapshots = windows.snapshots()
    const references: Record<string, ReferenceJson | null> = {}
    for (const s of snapshots) {
      if (msg.known.includes(s.version)) continue
      const profile = windows.referenceOf(s.version)
      references[s.version] = profile ? referenceToJson(profile, s.featureNames, s.classes) : null
    }
    process.send?.({ type: COLLECTED, id: msg.id, snapshots, references } satisfies CollectedMsg)
  })
  const pending = new Map<
    number,
    { resolve: (r: DriftReport | null) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >()
  process.on('message', (msg: ResMsg) => {
    if (!isType(msg, RES)) return
    const p = pending.get(msg.id)
    if (p === undefined) return
    pending.delete(msg.id)
    clearTimeout(p.timer)
    if (msg.error !== undefined) p.reject(new Error(`cluster drift: ${msg.error}`))
    else p.resolve(msg.report ?? null)
  })
  return {
    report: (version) =>
      new Promise((resolve, reject) => {
        const id = nextId++
        const timer = setTimeout(() => {
          pending.delete(id)
          reject(new Error('cluster drift: the primary did not answer in time'))
        }, timeoutMs)
        pending.set(id, { resolve, reject, timer })
        process.send?.({ type: REQ, id, version } satisfies ReqMsg)
      }),
  }
}
