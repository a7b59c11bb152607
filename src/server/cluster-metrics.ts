/**
 * GET /metrics across a node:cluster. Design: the worker that receives the scrape asks the primary over IPC;
 * the primary (which never loads the app) collects the registry of every *serving* worker over the same IPC
 * channel, sums them with prom-client's `AggregatorRegistry.aggregate` and sends the text back. One scrape
 * target, one consistent answer for the whole pod; no second port to expose. Warm standbys are left out:
 * they serve nothing, and their process figures would inflate the pod's totals.
 */
import cluster, { type Worker } from 'node:cluster'
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client'

type MetricJson = MetricObjectWithValues<MetricValue<string>>

const REQ = 'iris:metrics-req'
const RES = 'iris:metrics-res'
const COLLECT = 'iris:metrics-collect'
const COLLECTED = 'iris:metrics-collected'

interface MetricsRes {
  type: typeof RES
  id: number
  text?: string
  error?: string
}
interface Collected {
  type: typeof COLLECTED
  id: number
  metrics?: MetricJson[]
  error?: string
}

const isType = (msg: unknown, type: string): boolean =>
  typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === type

let nextCollect = 0

/** In the primary: every serving worker's registry, summed, as Prometheus text. */
export function collectClusterMetrics(workers: readonly Worker[], timeoutMs = 5000): Promise<string> {
  const one = (w: Worker) =>
    new Promise<MetricJson[]>((resolve, reject) => {
      const id = nextCollect++
      const finish = (err: Error | null, m?: MetricJson[]) => {
        clearTimeout(timer)
        w.off('message', onMessage)
        w.off('exit', onExit)
        if (err) reject(err)
        else resolve(m ?? [])
      }
      const onMessage = (msg: Collected) => {
        if (!isType(msg, COLLECTED) || msg.id !== id) return
        if (msg.error !== undefined) finish(new Error(`worker ${w.id}: ${msg.error}`))
        else finish(null, msg.metrics)
      }
      // A worker that dies mid-scrape is simply not counted (its series restart at the replacement).
      const onExit = () => finish(null, [])
      const timer = setTimeout(() => finish(new Error(`worker ${w.id} did not answer in time`)), timeoutMs)
      w.on('message', onMessage)
      w.once('exit', onExit)
      w.send({ type: COLLECT, id })
    })
  return Promise.all(workers.filter((w) => w.isConnected()).map(one)).then((all) =>
    AggregatorRegistry.aggregate(all).metrics(),
  )
}

/**
 * In the primary: answer workers' scrape requests with the aggregate of `serving()`, followed by the
 * primary's own `extra` registry (the instance's drift gauges, computed once in the primary).
 */
export function serveClusterMetrics(serving: () => readonly Worker[], extra?: Registry): void {
  const withExtra = async (text: string) =>
    extra === undefined
      ? text
      : `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}${await extra.metrics()}`
  cluster.on('message', (worker, msg: { type?: string; id?: number }) => {
    if (!isType(msg, REQ)) return
    collectClusterMetrics(serving())
      .then(withExtra)
      .then(
        (text) => worker.isConnected() && worker.send({ type: RES, id: msg.id, text }),
        (err: Error) => worker.isConnected() && worker.send({ type: RES, id: msg.id, error: err.message }),
      )
  })
}

/** In a worker: expose `registry` to the primary's aggregation; returns the /metrics text source. */
export function workerMetricsSource(registry: Registry, timeoutMs = 5000): () => Promise<string> {
  process.on('message', (msg: { type?: string; id: number }) => {
    if (!isType(msg, COLLECT)) return
    registry.getMetricsAsJSON().then(
      (metrics) => process.send?.({ type: COLLECTED, id: msg.id, metrics } satisfies Collected),
      (err: Error) => process.send?.({ type: COLLECTED, id: msg.id, error: err.message } satisfies Collected),
    )
  })
  let next = 0
  const pending = new Map<
    number,
    { resolve: (t: string) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >()
  process.on('message', (msg: MetricsRes) => {
    if (!isType(msg, RES)) return
    const p = pending.get(msg.id)
    if (p === undefined) return
    pending.delete(msg.id)
    clearTimeout(p.timer)
    if (msg.error !== undefined) p.reject(new Error(`cluster metrics: ${msg.error}`))
    else p.resolve(msg.text ?? '')
  })
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = next++
      const timer = setTimeout(() => {
        pending.delete(id)
        reject(new Error('cluster metrics: the primary did not answer in time'))
      }, timeoutMs)
      pending.set(id, { resolve, reject, timer })
      process.send?.({ type: REQ, id })
    })
}
