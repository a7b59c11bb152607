/**
 * Where rate-limit counts live. Every store counts in fixed windows aligned to multiples of the window
 * length on ONE clock (this process's, the cluster primary's, or Redis's), so all stores mean the same
 * thing: at most `limit` requests per client in each window (docs/decisions/019-rate-limit-stores.md).
 *
 *   MemoryStore          this process (WORKERS=1), and the cluster primary's table behind the cluster store
 *   ClusterLimiterStore  a worker asking the primary (src/server/rate-limit-worker.ts), exact per instance
 *   RedisLimiterStore    every instance sharing one Redis (./rate-limit-redis.ts)
 */

/** What one counted request gets. */
export interface Decision {
  allowed: boolean
  /** Requests left in this window after this one. */
  remaining: number
  /** Milliseconds until the window ends and the count starts again. */
  resetMs: number
  /** Decided without the store (it failed): RATE_LIMIT_ON_STORE_ERROR's answer, counts unknown. */
  degraded?: true
}

export interface LimiterStore {
  /** For logs and metrics: memory, cluster or redis. */
  readonly kind: string
  /**
   * Count one request of `client` in the current `windowMs` window; allowed while the count is <= `limit`.
   * Synchronous when local; a promise (that may reject) when the count lives elsewhere.
   */
  hit(client: string, limit: number, windowMs: number): Decision | Promise<Decision>
  /** Release connections and timers. */
  close(): Promise<void>
}

/** The decision for the `count`-th request of a window ending in `resetMs`. */
export function decide(count: number, limit: number, resetMs: number): Decision {
  return { allowed: count <= limit, remaining: Math.max(0, limit - count), resetMs }
}

const OVERFLOW = '\0overflow'

/** One window length's table: the counts of the current window, dropped whole when it ends. */
class WindowTable {
  counts = new Map<string, number>()
  start = 0
}

/**
 * Counts in this process: one Map lookup and an integer increment per request. Memory is bounded by the
 * clients seen in one window, and capped: past `maxClients`, new clients share one overflow bucket.
 */
export class MemoryStore implements LimiterStore {
  readonly kind = 'memory'
  private readonly tables = new Map<number, WindowTable>()

  constructor(
    private readonly maxClients = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The count after this request and the window's remaining milliseconds (the primary answers with these). */
  count(client: string, windowMs: number): { count: number; resetMs: number } {
    const t = this.now()
    const start = t - (t % windowMs)
    let table = this.tables.get(windowMs)
    if (table === undefined) {
      table = new WindowTable()
      this.tables.set(windowMs, table)
    }
    if (table.start !== start) {
      table.start = start
      table.counts = new Map()
    }
    let key = client
    if (!table.counts.has(key) && table.counts.size >= this.maxClients) key = OVERFLOW
    const count = (table.counts.get(key) ?? 0) + 1
    table.counts.set(key, count)
    return { count, resetMs: start + windowMs - t }
  }

  hit(client: string, limit: number, windowMs: number): Decision {
    const { count, resetMs } = this.count(client, windowMs)
    return decide(count, limit, resetMs)
  }

  async close(): Promise<void> {
    this.tables.clear()
  }
}
