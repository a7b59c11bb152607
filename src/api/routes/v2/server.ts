/** V2 server routes: metadata (GET /v2), liveness and readiness (a model is loaded). */
import type { ApiContext, RoutePlugin } from '../../context.js'
import { V2Live, V2Ready, V2ServerMetadata } from '../../contracts/v2.js'
import { ModelNotReadyError } from '../../errors.js'
import { packageInfo } from '../../v2/package-info.js'
import { notReady, tags } from './shared.js'

const v2ServerRoutes: RoutePlugin = async (app, ctx: ApiContext) => {
  const metadata = { name: packageInfo.name, version: packageInfo.version, extensions: [] }
  app.get(
    '/v2',
    {
      schema: { summary: 'Server metadata', tags, response: { 200: V2ServerMetadata } },
      config: { access: 'read' },
    },
    (_request, reply) => {
      reply.send(metadata)
    },
  )

  app.get(
    '/v2/health/live',
    {
      schema: { summary: 'Server liveness', tags, response: { 200: V2Live } },
      config: { access: 'open' },
    },
    (_request, reply) => {
      reply.send({ live: true })
    },
  )

  app.get(
    '/v2/health/ready',
    {
      schema: {
        summary: 'Server readiness: a model is loaded',
        tags,
        response: { 200: V2Ready, ...notReady },
      },
      config: { access: 'open' },
    },
    (_request, reply) => {
      if (ctx.models.current === null) throw new ModelNotReadyError()
      reply.send({ ready: true })
    },
  )
}

export default v2ServerRoutes
