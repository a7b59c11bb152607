/** What the V2 route files share: the OpenAPI tag, the common error responses and the reply. */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { ErrorResponse } from '../../contracts/error.js'

export const tags = ['open-inference-protocol']
export const notFound = { 404: { ...ErrorResponse, description: 'No such model or version' } }
export const notReady = { 503: { ...ErrorResponse, description: 'No model loaded yet' } }

/** A JSON reply with the request id (the V2 routes are not hot: Fastify serialises by the schema). */
export function sendWithId(request: FastifyRequest, reply: FastifyReply, body: unknown): void {
  reply.header('x-request-id', request.id).send(body)
}
