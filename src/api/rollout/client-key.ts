/**
 * Who a prediction request comes from, for a sticky canary: X-Client-ID, else the authenticated client's name
 * (the API key's name or the token's subject, stamped on the raw request by the auth check). Read from the raw
 * request, so the Fastify route and the fast lane route a client to the same version.
 */
import type { IncomingMessage } from 'node:http'
import { clientOf } from '../security/client-identity.js'

export function clientKeyOf(raw: IncomingMessage): string | undefined {
  const given = raw.headers['x-client-id']
  if (typeof given === 'string' && given !== '') return given.slice(0, 200)
  return clientOf(raw)
}
