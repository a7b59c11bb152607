/**
 * The IPC messages between cluster workers and the primary for rate limiting (./rate-limit-worker.ts asks,
 * ./rate-limit-primary.ts counts). Flat arrays keep each message small and cheap to serialise: one message
 * carries every request a worker received in one turn of its event loop.
 */

/** Worker -> primary: hits = [client, windowMs, client, windowMs, ...]. */
export const RATE_LIMIT_ASK = 'iris:ratelimit-ask'
/** Primary -> worker: counts = [count, msLeft, count, msLeft, ...], in the order asked. */
export const RATE_LIMIT_ANSWER = 'iris:ratelimit-answer'

export interface RateLimitAsk {
  type: typeof RATE_LIMIT_ASK
  id: number
  hits: (string | number)[]
}

export interface RateLimitAnswer {
  type: typeof RATE_LIMIT_ANSWER
  id: number
  counts: number[]
}

export const isMessage = (msg: unknown, type: string): boolean =>
  typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === type
