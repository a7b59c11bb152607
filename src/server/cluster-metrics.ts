/**
 * GET /metrics across a node:cluster. Design: the worker that receives the scrape asks the primary over IPC;
 * the primary (which never loads the app) runs prom-client's AggregatorRegistry.clusterMetrics(), which
 * collects every worker's registry over the same IPC channel and sums them, and sends the text back.
 * One scrape target, one consistent answer for the whole pod; no second port to expose.
 */
import cluster from 'node:cluster'
import { AggregatorRegistry, type Registry } from 'prom-client'

const REQ = 'iris:metrics-req'
const RES = 'iris:metrics-res'

interface MetricsRes {
  type: typeof RES
  id: number
  text?: string
  error?: string
}

/** In the primary: answer workers' requests with the aggregate of all workers. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry()
  cluster.on('message', (worker, msg: { type?: string; id?: number }) => {
    if (msg?.type !== REQ) return
    aggregator.clusterMetrics().then(
      (text) => worker.isConnected() && worker.send({ type: RES, id: msg.id, text }),
      (err: Error) => worker.isConnected() && worker.send({ type: RES, id: msg.id, error: err.message }),
    )
  })
}

/** In a worker: expose `registry` to the primary's aggregation; returns the /metrics text source. */
export function workerMetricsSource(registry: Registry, timeoutMs = 5000): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry])
  new AggregatorRegistry() // installs prom-client's worker-side listener
  let next = 0
  const pending = new Map<
    number,
    { resolve: (t: string) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >()
  process.on('message', (msg: MetricsRes) => {
    if (msg?.type !== RES) return
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
