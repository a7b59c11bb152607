/**
 * The node:http server the app listens on, made here instead of by Fastify (its `serverFactory` option) so
 * the fast lane (fast-lane.ts) sees each request first. Same settings as Fastify's own server would get.
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http'

export interface HttpServerOptions {
  http: ServerOptions
  keepAliveTimeout: number
  requestTimeout: number
}

/** `first` answers a request and returns true, or returns false and `fastify` gets it. */
export function createHttpServer(
  options: HttpServerOptions,
  first: (req: IncomingMessage, res: ServerResponse) => boolean,
  fastify: (req: IncomingMessage, res: ServerResponse) => void,
): Server {
  const server = createServer(options.http, (req, res) => {
    if (!first(req, res)) fastify(req, res)
  })
  server.keepAliveTimeout = options.keepAliveTimeout
  server.requestTimeout = options.requestTimeout
  return server
}
