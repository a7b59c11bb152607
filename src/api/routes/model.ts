/** GET /model: the served model's metadata (features, classes, hyper-parameters, metrics, version...). */
import type { ApiContext, RoutePlugin } from '../context.js'
import { ErrorResponse } from '../contracts/error.js'
import { ModelResponse } from '../contracts/model.js'
import { ModelNotReadyError } from '../errors.js'

const modelRoutes: RoutePlugin = async (app, ctx: ApiContext) => {
  app.get(
    '/model',
    {
      schema: {
        summary: "The served model's metadata",
        tags: ['model'],
        response: { 200: ModelResponse, 503: ErrorResponse },
      },
      config: { access: 'read' },
    },
    (_request, reply) => {
      const model = ctx.models.current
      if (model === null) throw new ModelNotReadyError()
      reply.send({ ...model.metadata, name: model.name, version: model.version })
    },
  )
}

export default modelRoutes
