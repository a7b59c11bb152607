/** V2 server routes: metadata (GET /v2), liveness and readiness (a model is loaded). */
import type { ApiContext, RoutePlugin } from '../../context.js'
import { V2Live, V2Ready, V2ServerMetadata } from '../../contracts/v2.js'
import { ModelNotReadyError } from '../../errors.js'
import { packageInfo } from '../../v2/package-info.js'
import { notReady, sendWithId, tags } from './shared.js'

const v2ServerRoutes: RoutePlugin = async (app, ctx: ApiContext) => {
  const server = ctx.recorder.route('/v2', 'GET')
  const metadata = { name: packageInfo.name, version: packageInfo.version, extensions: [] }
  app.get(
    '/v2',
    {
      schema: { summary: 'Server metadata', tags, response: { 200: V2ServerMetadata } },
      config: { access: 'read' },
    },
    (request, reply) => {
      sendWithId(request, reply, metadata)
      server.done(request, 200)
    },
  )

  const live = ctx.recorder.route('/v2/health/live', 'GET')
  app.get(
    '/v2/health/live',
    {
      schema: { summary: 'Server liveness', tags, response: { 200: V2Live } },
      config: { access: 'open' },
    },
    (request, reply) => {
      sendWithId(request, reply, { live: true })
      live.done(request, 200)
    },
  )

  const ready = ctx.recorder.route('/v2/health/ready', 'GET')
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
    (request, reply) => {
      if (ctx.models.current === null) throw new ModelNotReadyError()
      sendWithId(request, reply, { ready: true })
      ready.done(request, 200)
    },
  )
}

export default v2ServerRoutes
