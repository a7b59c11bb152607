/**
 * Who made a request, kept on the raw request (a symbol property, like the arrival stamp of request-id.ts)
 * so the request recorder can name the client in the log line and the per-client metric, whether the
 * answer came from a Fastify route or the fast lane. The name is a configured key name or a token's
 * subject (cut to 100 characters): never the credential.
 */
import type { IncomingMessage } from 'node:http'
import type { Registry } from 'prom-client'
import { type CounterChild, LabelledCounter } from '../metrics/labelled.js'

const CLIENT = Symbol('iris.client')

type Stamped = IncomingMessage & { [CLIENT]?: string }

export function stampClient(raw: IncomingMessage, name: string): void {
  ;(raw as Stamped)[CLIENT] = name
}

/** The authenticated client's name, or undefined (open route, no credential configured). */
export function clientOf(raw: IncomingMessage): string | undefined {
  return (raw as Stamped)[CLIENT]
}

/** Most distinct client labels per process; later ones are counted as "other" (token subjects are unbounded). */
export const MAX_CLIENT_LABELS = 100

/** iris_client_requests_total{client, code}: answers per authenticated client, by status class. */
export class ClientRequests {
  private readonly counter: LabelledCounter
  /**
   * Each label's children by status class (index 1-5), made on first use: counting is then a Map lookup
   * and an add. (prom-client's own children hash their labels on every inc: ~1 µs a request.)
   */
  private readonly children = new Map<string, (CounterChild | undefined)[]>()
  /** The children of clients beyond MAX_CLIENT_LABELS, counted as "other". */
  private readonly other: (CounterChild | undefined)[] = []

  constructor(registry: Registry) {
    this.counter = new LabelledCounter(
      'iris_client_requests_total',
      `Answers to authenticated clients, by client (key name or token subject; beyond ${MAX_CLIENT_LABELS} distinct: other) and status class`,
      ['client', 'code'],
    ).register(registry)
  }

  count(client: string, status: number): void {
    let byClass = this.children.get(client)
    if (byClass === undefined) {
      if (this.children.size < MAX_CLIENT_LABELS) {
        byClass = []
        this.children.set(client, byClass)
      } else byClass = this.other
    }
    const cls = Math.floor(status / 100)
    let child = byClass[cls]
    if (child === undefined) {
      child = this.counter.child(byClass === this.other ? 'other' : client, `${cls}xx`)
      byClass[cls] = child
    }
    child.value++
  }
}
