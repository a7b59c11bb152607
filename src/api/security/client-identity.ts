/**
 * Who made a request, kept on the raw request (a symbol property, like the arrival stamp of request-id.ts)
 * so the request recorder can name the client in the log line and the per-client metric, whether the
 * answer came from a Fastify route or the fast lane. The name is a configured key name or a token's
 * subject (cut to 100 characters): never the credential.
 */
import type { IncomingMessage } from 'node:http'
import { Counter, type Registry } from 'prom-client'

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
  private readonly counter: Counter<'client' | 'code'>
  private readonly seen = new Set<string>()

  constructor(registry: Registry) {
    this.counter = new Counter({
      name: 'iris_client_requests_total',
      help: `Answers to authenticated clients, by client (key name or token subject; beyond ${MAX_CLIENT_LABELS} distinct: other) and status class`,
      labelNames: ['client', 'code'],
      registers: [registry],
    })
  }

  count(client: string, status: number): void {
    let label = client
    if (!this.seen.has(label)) {
      if (this.seen.size >= MAX_CLIENT_LABELS) label = 'other'
      else this.seen.add(label)
    }
    this.counter.inc({ client: label, code: `${Math.floor(status / 100)}xx` })
  }
}
