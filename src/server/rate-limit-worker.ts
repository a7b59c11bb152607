/**
 * In a cluster worker: the rate-limit store that asks the primary (./rate-limit-primary.ts), which keeps
 * the instance's counts. Every hit asked during one turn of the event loop goes in ONE message (flushed by
 * setImmediate, after the turn's I/O callbacks), so under load a worker sends a message per turn, not per
 * request, and the primary answers with one message too. A batch not answered within `timeoutMs` fails
 * (the limiter then applies RATE_LIMIT_ON_STORE_ERROR), so no request waits on a busy or gone primary.
 */
import { type Decision, decide, type LimiterStore } from '../api/security/rate-limit-store.js'
import {
  isMessage,
  RATE_LIMIT_ANSWER,
  RATE_LIMIT_ASK,
  type RateLimitAnswer,
  type RateLimitAsk,
} from './rate-limit-protocol.js'

/** The worker's end of the IPC channel (process by default; tests pass a pair of their own). */
export interface Channel {
  send(msg: RateLimitAsk): void
  /** Start listening; returns a function that stops. */
  listen(onMessage: (msg: unknown) => void): () => void
}

export const processChannel: Channel = {
  send: (msg) => {
    if (process.send === undefined) throw new Error('not a cluster worker: no IPC channel')
    process.send(msg)
  },
  listen: (onMessage) => {
    process.on('message', onMessage)
    return () => process.off('message', onMessage)
  },
}

interface Waiting {
  limit: number
  resolve: (d: Decision) => void
  reject: (err: Error) => void
}

export class ClusterLimiterStore implements LimiterStore {
  readonly kind = 'cluster'
  private hits: (string | number)[] = []
  private waiting: Waiting[] = []
  private next = 0
  private readonly inFlight = new Map<number, { waiting: Waiting[]; timer: NodeJS.Timeout }>()
  private readonly stop: () => void

  constructor(
    private readonly timeoutMs: number,
    private readonly channel: Channel = processChannel,
  ) {
    this.stop = channel.listen((msg) => {
      if (isMessage(msg, RATE_LIMIT_ANSWER)) this.answered(msg as RateLimitAnswer)
    })
  }

  hit(client: string, limit: number, windowMs: number): Promise<Decision> {
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(this.flush)
      this.hits.push(client, windowMs)
      this.waiting.push({ limit, resolve, reject })
    })
  }

  /** Batches sent and not answered yet (for tests). */
  get pending(): number {
    return this.inFlight.size
  }

  async close(): Promise<void> {
    this.stop()
    for (const [id, batch] of this.inFlight) this.fail(id, batch.waiting, new Error('the limiter is closing'))
  }

  private readonly flush = (): void => {
    const id = this.next++
    const hits = this.hits
    const waiting = this.waiting
    this.hits = []
    this.waiting = []
    // When this worker itself was stalled (GC, a busy CPU), the timer and the answer may both be due: the
    // timers run before the I/O callbacks, so look again after them (setImmediate) before giving up.
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          if (!this.inFlight.has(id)) return
          this.fail(id, waiting, new Error(`the cluster primary did not answer within ${this.timeoutMs} ms`))
        }),
      this.timeoutMs,
    )
    this.inFlight.set(id, { waiting, timer })
    try {
      this.channel.send({ type: RATE_LIMIT_ASK, id, hits })
    } catch (err) {
      this.fail(id, waiting, err instanceof Error ? err : new Error(String(err)))
    }
  }

  private fail(id: number, waiting: Waiting[], err: Error): void {
    const batch = this.inFlight.get(id)
    if (batch !== undefined) clearTimeout(batch.timer)
    this.inFlight.delete(id)
    for (const w of waiting) w.reject(err)
  }

  private answered(msg: RateLimitAnswer): void {
    const batch = this.inFlight.get(msg.id)
    if (batch === undefined) return // timed out already: those requests were decided without it
    clearTimeout(batch.timer)
    this.inFlight.delete(msg.id)
    const counts = msg.counts
    batch.waiting.forEach((w, i) => {
      const count = counts[2 * i]
      const left = counts[2 * i + 1]
      if (typeof count === 'number' && typeof left === 'number') w.resolve(decide(count, w.limit, left))
      else w.reject(new Error('the cluster primary answered fewer counts than asked'))
    })
  }
}
