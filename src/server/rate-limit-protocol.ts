/**
 * The IPC messages between cluster workers and the primary for rate limiting (./rate-limit-worker.ts asks,
 * ./rate-limit-primary.ts grants). Flat arrays keep each message small and cheap to serialise: one ask
 * carries every client a worker needed quota for in one turn of its event loop. The scheme is a lease
 * (docs/decisions/025-rate-limit-leases.md): the primary grants a worker a block of a client's quota, the
 * worker spends it locally, and the primary takes unspent blocks back before it refuses anyone.
 */

/** Worker -> primary: hits = [client, windowMs, limit, wanted, client, windowMs, limit, wanted, ...]. */
export const RATE_LIMIT_ASK = 'iris:ratelimit-ask'
/**
 * Primary -> worker: grants = [granted, roomAfter, resetMs, windowStart, ...], one quadruple per ask entry.
 * `granted` requests may be allowed (more than wanted: a lease for later); `roomAfter` is the quota no worker
 * holds after this grant; `windowStart` names the primary's window, for handing a lease back.
 */
export const RATE_LIMIT_ANSWER = 'iris:ratelimit-answer'
/** Primary -> worker: give back the unspent leases of keys = [client, windowMs, windowStart, ...]. */
export const RATE_LIMIT_RECLAIM = 'iris:ratelimit-reclaim'
/** Worker -> primary: unused = [count, ...] per key of the reclaim, in order; those leases are dropped. */
export const RATE_LIMIT_RECLAIMED = 'iris:ratelimit-reclaimed'

export interface RateLimitAsk {
  type: typeof RATE_LIMIT_ASK
  id: number
  hits: (string | number)[]
}

export interface RateLimitAnswer {
  type: typeof RATE_LIMIT_ANSWER
  id: number
  grants: number[]
}

export interface RateLimitReclaim {
  type: typeof RATE_LIMIT_RECLAIM
  id: number
  keys: (string | number)[]
}

export interface RateLimitReclaimed {
  type: typeof RATE_LIMIT_RECLAIMED
  id: number
  unused: number[]
}

/** Fields per entry of an ask and of an answer. */
export const ASK_FIELDS = 4
export const GRANT_FIELDS = 4

export const isMessage = (msg: unknown, type: string): boolean =>
  typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === type
