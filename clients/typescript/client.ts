/**
 * A typed client for the service: openapi-fetch over the types openapi-typescript generated from our
 * OpenAPI document (./schema.d.ts, `npm run clients:generate`). Paths, bodies and replies are checked by
 * the compiler: `client.POST('/predict', { body: { input: [[5.1, 3.5, 1.4, 0.2]] } })` returns
 * `{ data: { prediction: string[] } }` or `{ error: { error: string } }`.
 */
import createClient, { type Client } from 'openapi-fetch'
import type { paths } from './schema.js'

export type { paths } from './schema.js'
export type IrisClient = Client<paths>

export interface IrisClientOptions {
  /** Sent as `X-API-Key` when the service requires keys (API_KEYS). */
  apiKey?: string
  /** A fetch to use instead of the global one (tests pass one bound to an in-process server). */
  fetch?: (request: Request) => Promise<Response>
}

export function irisClient(baseUrl: string, options: IrisClientOptions = {}): IrisClient {
  return createClient<paths>({
    baseUrl,
    headers: options.apiKey === undefined ? {} : { 'x-api-key': options.apiKey },
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  })
}
