/**
 * In the cluster primary: the instance's rate-limit book (./rate-limit-leases.ts). Workers ask for quota
 * for the clients they saw in one event-loop turn (./rate-limit-worker.ts); the primary, one thread, grants
 * it in arrival order, with a lease on top that the worker spends without asking again. When an ask finds
 * too little room while other workers hold leases of that client, the primary first takes their unspent
 * tokens back (one message each, answered at once), then grants. So a client's quota holds for the whole
 * instance, exactly, however many workers serve it, and the common case costs no IPC at all.
 */
import cluster, { type Worker } from 'node:cluster'
import { LeaseBook } from './rate-limit-leases.js'
import {
  ASK_FIELDS,
  isMessage,
  RATE_LIMIT_ANSWER,
  RATE_LIMIT_ASK,
  RATE_LIMIT_RECLAIM,
  RATE_LIMIT_RECLAIMED,
  type RateLimitAsk,
  type RateLimitReclaim,
  type RateLimitReclaimed,
} from './rate-limit-protocol.js'

/** One entry of an ask, checked; undefined when malformed. */
interface AskEntry {
  client: string
  windowMs: number
  limit: number
  wanted: number
}

function entries(hits: readonly unknown[]): (AskEntry | undefined)[] {
  const out: (AskEntry | undefined)[] = []
  for (let i = 0; i + ASK_FIELDS - 1 < hits.length; i += ASK_FIELDS) {
    const [client, windowMs, limit, wanted] = hits.slice(i, i + ASK_FIELDS)
    const ok =
      typeof client === 'string' &&
      typeof windowMs === 'number' &&
      windowMs > 0 &&
      Number.isSafeInteger(limit) &&
      (limit as number) >= 0 &&
      Number.isSafeInteger(wanted) &&
      (wanted as number) > 0
    out.push(ok ? { client, windowMs, limit: limit as number, wanted: wanted as number } : undefined)
  }
  return out
}

/** Grant one ask's entries in order; a malformed entry is refused, never crashes the primary. */
export function grantBatch(book: LeaseBook, worker: number, hits: readonly unknown[]): number[] {
  const grants: number[] = []
  for (const e of entries(hits)) {
    if (e === undefined) {
      grants.push(0, 0, 1000, 0)
      continue
    }
    const g = book.grant(worker, e.client, e.windowMs, e.limit, e.wanted)
    grants.push(g.granted, g.roomAfter, g.resetMs, g.start)
  }
  return grants
}

/** Which workers to take leases back from before granting this ask, and the keys each must return. */
export function reclaimsFor(
  book: LeaseBook,
  worker: number,
  hits: readonly unknown[],
): Map<number, unknown[]> {
  const out = new Map<number, unknown[]>()
  for (const e of entries(hits)) {
    if (e === undefined) continue
    for (const w of book.holders(worker, e.client, e.windowMs, e.limit, e.wanted)) {
      let keys = out.get(w)
      if (keys === undefined) out.set(w, (keys = []))
      keys.push(e.client, e.windowMs)
    }
  }
  return out
}

/** How one process reaches a worker by id (the cluster's, or a test's). */
export interface WorkerLink {
  send(worker: number, msg: object): boolean
}

/**
 * The primary's side, independent of `node:cluster` (tests drive it with in-process links): `ask` answers
 * one worker's ask, after taking leases back when needed; `reclaimed` takes a worker's answer to that.
 */
export class LeasePrimary {
  private next = 0
  private readonly waiting = new Map<number, { worker: number; keys: unknown[]; done: () => void }>()

  constructor(
    readonly book: LeaseBook,
    private readonly link: WorkerLink,
    /** Longest wait for a worker to hand leases back; then the ask is granted from what is there. */
    private readonly reclaimTimeoutMs = 25,
  ) {}

  ask(worker: number, msg: RateLimitAsk): void {
    const answer = () =>
      this.link.send(worker, {
        type: RATE_LIMIT_ANSWER,
        id: msg.id,
        grants: grantBatch(this.book, worker, msg.hits),
      })
    const reclaims = reclaimsFor(this.book, worker, msg.hits)
    if (reclaims.size === 0) {
      answer()
      return
    }
    let left = reclaims.size
    const oneDone = () => {
      if (--left === 0) answer()
    }
    for (const [holder, keys] of reclaims) this.reclaim(holder, keys, oneDone)
  }

  reclaimed(worker: number, msg: RateLimitReclaimed): void {
    const w = this.waiting.get(msg.id)
    if (w === undefined || w.worker !== worker) return // too late: the ask was granted without it
    this.waiting.delete(msg.id)
    const unused = Array.isArray(msg.unused) ? msg.unused : []
    for (let i = 0; 3 * i + 2 < w.keys.length; i++) {
      const [client, windowMs, start] = w.keys.slice(3 * i, 3 * i + 3) as [string, number, number]
      this.book.returned(worker, client, windowMs, start, Number(unused[i] ?? 0))
    }
    w.done()
  }

  /** A worker that exited: it holds nothing any more, and nobody waits for it. */
  gone(worker: number): void {
    this.book.forget(worker)
    for (const [id, w] of this.waiting) {
      if (w.worker !== worker) continue
      this.waiting.delete(id)
      w.done()
    }
  }

  private reclaim(holder: number, pairs: unknown[], done: () => void): void {
    const id = this.next++
    // The keys name the window too, so tokens of a window that ended meanwhile are not given back to a new one.
    const keys: unknown[] = []
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const windowMs = pairs[i + 1] as number
      keys.push(pairs[i], windowMs, this.book.startOf(windowMs))
    }
    let finished = false
    const finish = () => {
      if (finished) return
      finished = true
      clearTimeout(timer)
      done()
    }
    const timer = setTimeout(() => {
      this.waiting.delete(id)
      finish()
    }, this.reclaimTimeoutMs)
    this.waiting.set(id, { worker: holder, keys, done: finish })
    const msg: RateLimitReclaim = { type: RATE_LIMIT_RECLAIM, id, keys: keys as (string | number)[] }
    if (!this.link.send(holder, msg)) {
      this.waiting.delete(id)
      finish()
    }
  }
}

/** Answer workers' rate-limit asks from one book; returns a function that stops listening. */
export function serveClusterRateLimit(servingWorkers: number, timeoutMs = 100): () => void {
  const link: WorkerLink = {
    send: (id, msg) => {
      const w = cluster.workers?.[id]
      if (w === undefined || !w.isConnected()) return false
      w.send(msg)
      return true
    },
  }
  // Leases are taken back well within the time a worker waits for its answer (RATE_LIMIT_STORE_TIMEOUT_MS).
  const primary = new LeasePrimary(
    new LeaseBook(() => servingWorkers),
    link,
    Math.max(1, Math.floor(timeoutMs / 4)),
  )
  const onMessage = (worker: Worker, msg: unknown) => {
    if (isMessage(msg, RATE_LIMIT_ASK) && Array.isArray((msg as RateLimitAsk).hits)) {
      primary.ask(worker.id, msg as RateLimitAsk)
    } else if (isMessage(msg, RATE_LIMIT_RECLAIMED)) {
      primary.reclaimed(worker.id, msg as RateLimitReclaimed)
    }
  }
  const onExit = (worker: Worker) => primary.gone(worker.id)
  cluster.on('message', onMessage)
  cluster.on('exit', onExit)
  return () => {
    cluster.off('message', onMessage)
    cluster.off('exit', onExit)
  }
}
