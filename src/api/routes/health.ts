/**
 * GET /health (the seed's body, always 200 while the process serves), /health/live (the process is up)
 * and /health/ready (a model is loaded: 503 until then, so an orchestrator sends no traffic too early).
 */

import type { ApiContext, RoutePlugin } from '../context.js'
import { ErrorResponse } from '../contracts/error.js'
import { HealthResponse, LiveResponse, ReadyResponse } from '../contracts/health.js'
import { ModelNotReadyError } from '../errors.js'
import { SERVICE_NAME } from '../logging.js'

const healthRoutes: RoutePlugin = async (app, ctx: ApiContext) => {
  const tags = ['health']
  const health = ctx.recorder.route('/health', 'GET')
  app.get(
    '/health',
    {
      schema: { summary: 'Service health (the seed contract)', tags, response: { 200: HealthResponse } },
      config: { access: 'open' },
    },
    (request, reply) => {
      reply
        .header('x-request-id', request.id)
        .send({ status: 'healthy', timestamp: new Date().toISOString(), service: SERVICE_NAME })
      health.done(request, 200)
    },
  )

  const live = ctx.recorder.route('/health/live', 'GET')
  app.get(
    '/health/live',
    {
      schema: { summary: 'Liveness: the process answers', tags, response: { 200: LiveResponse } },
      config: { access: 'open' },
    },
    (request, reply) => {
      reply.header('x-request-id', request.id).send({ status: 'alive' })
      live.done(request, 200)
    },
  )

  const ready = ctx.recorder.route('/health/ready', 'GET')
  app.get(
    '/health/ready',
    {
      schema: {
        summary: 'Readiness: a model is loaded',
        tags,
        response: { 200: ReadyResponse, 503: ErrorResponse },
      },
      config: { access: 'open' },
    },
    (request, reply) => {
      const model = ctx.models.current
      if (model === null) throw new ModelNotReadyError()
      reply
        .header('x-request-id', request.id)
        .send({ status: 'ready', model: model.name, model_version: model.version })
      ready.done(request, 200)
    },
  )
}

export default healthRoutes
