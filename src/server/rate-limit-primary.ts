/**
 * In the cluster primary: the instance's rate-limit counts. Workers send the requests they received
 * (batched per event-loop turn, ./rate-limit-worker.ts); the primary, one thread, counts them in one
 * MemoryStore in arrival order and answers each batch. So a client's quota holds for the whole instance,
 * exactly, however many workers serve it (the seed's per-process counters gave N workers N times the limit).
 */
import cluster, { type Worker } from 'node:cluster'
import { MemoryStore } from '../api/security/rate-limit-store.js'
import {
  isMessage,
  RATE_LIMIT_ANSWER,
  RATE_LIMIT_ASK,
  type RateLimitAnswer,
  type RateLimitAsk,
} from './rate-limit-protocol.js'

/** Count one batch; exported for tests. */
export function countBatch(store: MemoryStore, hits: readonly (string | number)[]): number[] {
  const counts: number[] = []
  for (let i = 0; i + 1 < hits.length; i += 2) {
    const client = hits[i]
    const windowMs = hits[i + 1]
    if (typeof client !== 'string' || typeof windowMs !== 'number' || !(windowMs > 0)) {
      counts.push(Number.MAX_SAFE_INTEGER, 1000) // a malformed ask is refused, never crashes the primary
      continue
    }
    const { count, resetMs } = store.count(client, windowMs)
    counts.push(count, resetMs)
  }
  return counts
}

/** Answer workers' rate-limit asks from one table; returns a function that stops listening. */
export function serveClusterRateLimit(store = new MemoryStore()): () => void {
  const onMessage = (worker: Worker, msg: RateLimitAsk) => {
    if (!isMessage(msg, RATE_LIMIT_ASK) || !Array.isArray(msg.hits)) return
    const answer: RateLimitAnswer = {
      type: RATE_LIMIT_ANSWER,
      id: msg.id,
      counts: countBatch(store, msg.hits),
    }
    if (worker.isConnected()) worker.send(answer)
  }
  cluster.on('message', onMessage)
  return () => cluster.off('message', onMessage)
}
