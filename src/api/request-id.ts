/**
 * Request ids and arrival times. Fastify calls `genReqId` once per request before anything else (also for
 * 404s and body errors), so it is where we take the client's X-Request-ID (when sane) or make one, and stamp
 * the arrival time: cheaper than an onRequest hook, which the hot path cannot afford.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** At most 128 characters of letters, digits, dot, underscore and hyphen: safe in logs and headers. */
const SANE_ID = /^[A-Za-z0-9._-]{1,128}$/

const ARRIVAL = Symbol('iris.arrival')

type Stamped = IncomingMessage & { [ARRIVAL]?: number }

/** Fastify's genReqId: stamps arrival, counts the request in flight, returns the sane client id or a UUID. */
export function makeGenReqId(counter: { inFlight: number }): (req: IncomingMessage) => string {
  return (req) => {
    ;(req as Stamped)[ARRIVAL] = performance.now()
    counter.inFlight++
    const given = req.headers['x-request-id']
    return typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID()
  }
}

/** Milliseconds since the request arrived (since genReqId ran). */
export function elapsedSince(raw: IncomingMessage): number {
  const start = (raw as Stamped)[ARRIVAL]
  return start === undefined ? 0 : performance.now() - start
}

export function isSaneRequestId(id: string): boolean {
  return SANE_ID.test(id)
}
