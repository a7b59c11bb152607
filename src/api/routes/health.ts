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
  app.get(
    '/health',
    {
      schema: { summary: 'Service health (the seed contract)', tags, response: { 200: HealthResponse } },
      config: { access: 'open' },
    },
    (_request, reply) => {
      reply.send({ status: 'healthy', timestamp: new Date().toISOString(), service: SERVICE_NAME })
    },
  )

  app.get(
    '/health/live',
    {
      schema: { summary: 'Liveness: the process answers', tags, response: { 200: LiveResponse } },
      config: { access: 'open' },
    },
    (_request, reply) => {
      reply.send({ status: 'alive' })
    },
  )

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
    (_request, reply) => {
      const model = ctx.models.current
      if (model === null) throw new ModelNotReadyError()
      reply.send({ status: 'ready', model: model.name, model_version: model.version })
    },
  )
}

export default healthRoutes
