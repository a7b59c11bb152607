/** Who a prediction request comes from, for a sticky canary: X-Client-ID, else the API key's principal. */
import type { FastifyRequest } from 'fastify'

export function clientKeyOf(request: FastifyRequest): string | undefined {
  const given = request.headers['x-client-id']
  if (typeof given === 'string' && given !== '') return given.slice(0, 200)
  const principal = (request as FastifyRequest & { principal?: { id?: string } }).principal
  return principal?.id
}
