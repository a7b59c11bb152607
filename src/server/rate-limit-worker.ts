/**
 * In a cluster worker: the rate-limit store that spends leases granted by the primary
 * (./rate-limit-primary.ts, which keeps the instance's book). A request whose client has an unspent lease
 * of the current window is decided here, synchronously, with no message at all; the others of one turn of
 * the event loop go to the primary in ONE ask (flushed by setImmediate, one entry per client with how many
 * requests wait), and the answer's grant is spent in arrival order, the surplus kept as the next lease.
 * When the primary asks for a client's lease back (another worker ran short), it is handed back at once.
 * An ask not answered within `timeoutMs` fails (the limiter then applies RATE_LIMIT_ON_STORE_ERROR), so no
 * request waits on a busy or gone primary. Design: docs/decisions/025-rate-limit-leases.md.
 */
import type { Decision, LimiterStore } from '../api/security/rate-limit-store.js'
import {
  GRANT_FIELDS,
  isMessage,
  RATE_LIMIT_ANSWER,
  RATE_LIMIT_ASK,
  RATE_LIMIT_RECLAIM,
  RATE_LIMIT_RECLAIMED,
  type RateLimitAnswer,
  type RateLimitAsk,
  type RateLimitReclaim,
  type RateLimitReclaimed,
} from './rate-limit-protocol.js'

/** The worker's end of the IPC channel (process by default; tests pass a pair of their own). */
export interface Channel {
  send(msg: RateLimitAsk | RateLimitReclaimed): void
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

/** Unspent quota of one client and window, granted by the primary. */
interface Lease {
  limit: number
  /** The primary's window start (names the window when handed back). */
  start: number
  left: number
  /** Quota no worker held when this lease was granted: added to `left` in the RateLimit remaining count. */
  room: number
  /** This worker's clock when the window ends (measured from when the ask was SENT: never late). */
  expires: number
}

interface Waiting {
  resolve: (d: Decision) => void
  reject: (err: Error) => void
}

/** The requests of one client waiting in one ask. */
interface Group {
  client: string
  windowMs: number
  limit: number
  waiting: Waiting[]
}

/** Leases kept before expired ones are swept (and, past twice that, all dropped: their tokens stay spent). */
const MAX_LEASES = 50_000

const groupKey = (client: string, limit: number, windowMs: number) =>
  `${limit}\u0000${windowMs}\u0000${client}`

/**
 * The leases held, by window length then client: a request's lookup is two Map gets with strings that
 * already exist (a key joined per request would be a new string to hash every time).
 */
class Leases {
  private readonly byWindow = new Map<number, Map<string, Lease>>()
  size = 0

  get(client: string, windowMs: number): Lease | undefined {
    return this.byWindow.get(windowMs)?.get(client)
  }

  set(client: string, windowMs: number, lease: Lease): void {
    let table = this.byWindow.get(windowMs)
    if (table === undefined) {
      table = new Map()
      this.byWindow.set(windowMs, table)
    }
    const before = table.size
    table.set(client, lease)
    this.size += table.size - before
  }

  delete(client: string, windowMs: number): void {
    const table = this.byWindow.get(windowMs)
    if (table?.delete(client) === true) this.size--
  }

  /** Drop the leases `drop` picks. */
  sweep(drop: (lease: Lease) => boolean): void {
    for (const table of this.byWindow.values()) {
      for (const [client, lease] of table) {
        if (drop(lease)) {
          table.delete(client)
          this.size--
        }
      }
    }
  }

  clear(): void {
    this.byWindow.clear()
    this.size = 0
  }
}

export class ClusterLimiterStore implements LimiterStore {
  readonly kind = 'cluster'
  private groups = new Map<string, Group>()
  private next = 0
  private readonly leases = new Leases()
  private readonly inFlight = new Map<number, { groups: Group[]; sentAt: number; timer: NodeJS.Timeout }>()
  private readonly stop: () => void

  constructor(
    private readonly timeoutMs: number,
    private readonly channel: Channel = processChannel,
    private readonly now: () => number = Date.now,
  ) {
    this.stop = channel.listen((msg) => {
      if (isMessage(msg, RATE_LIMIT_ANSWER)) this.answered(msg as RateLimitAnswer)
      else if (isMessage(msg, RATE_LIMIT_RECLAIM)) this.handBack(msg as RateLimitReclaim)
    })
  }

  hit(client: string, limit: number, windowMs: number): Decision | Promise<Decision> {
    const lease = this.leases.get(client, windowMs)
    if (lease !== undefined && lease.left > 0 && lease.limit === limit) {
      const t = this.now()
      if (t < lease.expires) {
        lease.left--
        return { allowed: true, remaining: lease.left + lease.room, resetMs: lease.expires - t }
      }
    }
    return new Promise((resolve, reject) => {
      if (this.groups.size === 0) setImmediate(this.flush)
      const key = groupKey(client, limit, windowMs)
      let group = this.groups.get(key)
      if (group === undefined) {
        group = { client, windowMs, limit, waiting: [] }
        this.groups.set(key, group)
      }
      group.waiting.push({ resolve, reject })
    })
  }

  /** Asks sent and not answered yet (for tests). */
  get pending(): number {
    return this.inFlight.size
  }

  /** Unspent requests this worker holds for a client (for tests). */
  held(client: string, windowMs: number): number {
    return this.leases.get(client, windowMs)?.left ?? 0
  }

  async close(): Promise<void> {
    this.stop()
    for (const [id, batch] of this.inFlight) this.fail(id, batch.groups, new Error('the limiter is closing'))
    this.leases.clear()
  }

  private readonly flush = (): void => {
    const id = this.next++
    const groups = [...this.groups.values()]
    this.groups = new Map()
    const hits: (string | number)[] = []
    for (const g of groups) hits.push(g.client, g.windowMs, g.limit, g.waiting.length)
    // When this worker itself was stalled (GC, a busy CPU), the timer and the answer may both be due: the
    // timers run before the I/O callbacks, so look again after them (setImmediate) before giving up.
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          if (!this.inFlight.has(id)) return
          this.fail(id, groups, new Error(`the cluster primary did not answer within ${this.timeoutMs} ms`))
        }),
      this.timeoutMs,
    )
    this.inFlight.set(id, { groups, sentAt: this.now(), timer })
    try {
      this.channel.send({ type: RATE_LIMIT_ASK, id, hits })
    } catch (err) {
      this.fail(id, groups, err instanceof Error ? err : new Error(String(err)))
    }
  }

  private fail(id: number, groups: Group[], err: Error): void {
    const batch = this.inFlight.get(id)
    if (batch !== undefined) clearTimeout(batch.timer)
    this.inFlight.delete(id)
    for (const g of groups) for (const w of g.waiting) w.reject(err)
  }

  private answered(msg: RateLimitAnswer): void {
    const batch = this.inFlight.get(msg.id)
    if (batch === undefined) return // timed out already: those requests were decided without it
    clearTimeout(batch.timer)
    this.inFlight.delete(msg.id)
    const grants = Array.isArray(msg.grants) ? msg.grants : []
    if (this.leases.size > MAX_LEASES) this.sweep()
    batch.groups.forEach((g, i) => {
      const [granted, room, resetMs, start] = grants.slice(GRANT_FIELDS * i, GRANT_FIELDS * i + GRANT_FIELDS)
      if (![granted, room, resetMs, start].every((x) => typeof x === 'number' && Number.isFinite(x))) {
        const err = new Error('the cluster primary answered fewer grants than asked')
        for (const w of g.waiting) w.reject(err)
        return
      }
      this.spend(g, granted!, room!, resetMs!, start!, batch.sentAt)
    })
  }

  /** Add a grant to the client's lease, then decide its waiting requests in arrival order. */
  private spend(
    g: Group,
    granted: number,
    room: number,
    resetMs: number,
    start: number,
    sentAt: number,
  ): void {
    let lease = this.leases.get(g.client, g.windowMs)
    if (lease === undefined || lease.start !== start || lease.limit !== g.limit) {
      lease = { limit: g.limit, start, left: 0, room, expires: sentAt + resetMs }
      this.leases.set(g.client, g.windowMs, lease)
    }
    lease.left += granted
    lease.room = room
    for (const w of g.waiting) {
      if (lease.left > 0) {
        lease.left--
        w.resolve({ allowed: true, remaining: lease.left + lease.room, resetMs })
      } else {
        w.resolve({ allowed: false, remaining: 0, resetMs })
      }
    }
    if (lease.left === 0) this.leases.delete(g.client, g.windowMs)
  }

  /** The primary takes back this worker's unspent leases of the keys named; they are dropped here. */
  private handBack(msg: RateLimitReclaim): void {
    const keys = Array.isArray(msg.keys) ? msg.keys : []
    const unused: number[] = []
    for (let i = 0; i + 2 < keys.length; i += 3) {
      const client = String(keys[i])
      const windowMs = Number(keys[i + 1])
      const lease = this.leases.get(client, windowMs)
      if (lease !== undefined && lease.start === keys[i + 2]) {
        unused.push(lease.left)
        this.leases.delete(client, windowMs)
      } else {
        unused.push(0)
      }
    }
    try {
      this.channel.send({ type: RATE_LIMIT_RECLAIMED, id: msg.id, unused })
    } catch {
      // The primary is gone: nothing to hand back to.
    }
  }

  private sweep(): void {
    const t = this.now()
    this.leases.sweep((lease) => lease.expires <= t || lease.left === 0)
    if (this.leases.size > MAX_LEASES * 2) this.leases.clear()
  }
}
