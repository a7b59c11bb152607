/**
 * The cluster primary's rate-limit book: per client and window, how much of the quota is spoken for
 * (`used`) and which workers hold an unspent block of it (a lease). Pure: a clock in, numbers out; the IPC
 * around it is ./rate-limit-primary.ts. Fixed windows aligned to multiples of the window length on the
 * primary's clock, as in every store (docs/decisions/019-rate-limit-stores.md).
 *
 * Exactness (docs/decisions/025-rate-limit-leases.md):
 * - never more than `limit` allowed per window: a grant never exceeds the room left (`limit - used`);
 * - never a refusal while quota is unspent somewhere: when an ask finds too little room and other workers
 *   hold leases, `holders` names them, the primary takes their unspent tokens back (`returned`), and only
 *   then grants what is left.
 * Refused requests count too (`used` grows past the limit), as in MemoryStore, so a client over its quota
 * under one tier is still over it when asking with a wider one.
 */

/** One answer to an ask for `wanted` requests. */
export interface Grant {
  /** Requests the worker may allow: up to `wanted` now, the rest a lease for later. */
  granted: number
  /** Quota left unheld after this grant (what other workers may still be granted). */
  roomAfter: number
  /** Milliseconds until the window ends. */
  resetMs: number
  /** The window's start on the primary's clock: names the window when a lease is handed back. */
  start: number
}

interface ClientState {
  used: number
  /** Worker id -> tokens granted to it beyond its asks (an upper bound of what it still holds). */
  held: Map<number, number>
}

class WindowTable {
  start = 0
  clients = new Map<string, ClientState>()
}

const OVERFLOW = '\0overflow'

/**
 * How much more than asked a grant hands out: a share of the free room, split between the serving workers
 * and kept small next to the room (a quarter of it per worker), so leases rarely need taking back.
 */
export function leaseSize(room: number, wanted: number, workers: number): number {
  if (room <= wanted) return 0
  return Math.floor((room - wanted) / (4 * Math.max(1, workers)))
}

export class LeaseBook {
  private readonly tables = new Map<number, WindowTable>()

  constructor(
    /** Serving workers (leases are sized by it). */
    private readonly workers: () => number = () => 1,
    private readonly now: () => number = Date.now,
    private readonly maxClients = 100_000,
  ) {}

  /** The start of the current `windowMs` window on this book's clock. */
  startOf(windowMs: number): number {
    const t = this.now()
    return t - (t % windowMs)
  }

  /** The client's state in the current `windowMs` window (created empty), and the window's bounds. */
  private state(client: string, windowMs: number): { s: ClientState; start: number; resetMs: number } {
    const t = this.now()
    const start = t - (t % windowMs)
    let table = this.tables.get(windowMs)
    if (table === undefined) {
      table = new WindowTable()
      this.tables.set(windowMs, table)
    }
    if (table.start !== start) {
      table.start = start
      table.clients = new Map()
    }
    let key = client
    if (!table.clients.has(key) && table.clients.size >= this.maxClients) key = OVERFLOW
    let s = table.clients.get(key)
    if (s === undefined) {
      s = { used: 0, held: new Map() }
      table.clients.set(key, s)
    }
    return { s, start, resetMs: start + windowMs - t }
  }

  /**
   * Workers other than `worker` that hold leases of this client, when its room cannot cover `wanted`:
   * take their leases back before granting. Empty when there is room enough or nothing to take back.
   */
  holders(worker: number, client: string, windowMs: number, limit: number, wanted: number): number[] {
    const { s } = this.state(client, windowMs)
    if (limit - s.used >= wanted) return []
    const out: number[] = []
    for (const [w, n] of s.held) if (w !== worker && n > 0) out.push(w)
    return out
  }

  /** Grant `worker` up to `wanted` requests of `client` (plus a lease), counting refusals as used. */
  grant(worker: number, client: string, windowMs: number, limit: number, wanted: number): Grant {
    const { s, start, resetMs } = this.state(client, windowMs)
    const room = Math.max(0, limit - s.used)
    const now = Math.min(wanted, room)
    const granted = now + leaseSize(room, wanted, this.workers())
    s.used += granted
    const roomAfter = Math.max(0, limit - s.used)
    s.used += wanted - now // refused requests count, as in every store
    if (granted > now) s.held.set(worker, (s.held.get(worker) ?? 0) + granted - now)
    return { granted, roomAfter, resetMs, start }
  }

  /** `worker` handed back `unused` tokens of the window that started at `start`; it holds none now. */
  returned(worker: number, client: string, windowMs: number, start: number, unused: number): void {
    const table = this.tables.get(windowMs)
    if (table === undefined || table.start !== start) return // that window is over: nothing to give back to
    const s = table.clients.get(client)
    if (s === undefined) return
    s.held.delete(worker)
    if (Number.isInteger(unused) && unused > 0) s.used = Math.max(0, s.used - unused)
  }

  /** A worker that exited: its leases are forgotten (their tokens stay spent: never over the limit). */
  forget(worker: number): void {
    for (const table of this.tables.values()) for (const s of table.clients.values()) s.held.delete(worker)
  }
}
