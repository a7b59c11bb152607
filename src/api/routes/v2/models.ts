/** V2 model routes: metadata and readiness, under /v2/models/{name} and /versions/{version}. */
import type { ApiContext, RoutePlugin } from '../../context.js'
import { V2ModelMetadata, V2ModelReady } from '../../contracts/v2.js'
import { MODEL_BASES, type ModelParams, resolveModel } from '../../v2/model-lookup.js'
import { modelMetadata } from '../../v2/model-metadata.js'
import { notFound, notReady, tags } from './shared.js'

const v2ModelRoutes: RoutePlugin = async (app, ctx: ApiContext) => {
  for (const { base, params } of MODEL_BASES) {
    app.get(
      base,
      {
        schema: {
          summary: 'Model metadata',
          tags,
          params,
          response: { 200: V2ModelMetadata, ...notFound, ...notReady },
        },
        config: { access: 'read' },
      },
      (request, reply) => {
        reply.send(modelMetadata(resolveModel(ctx.models, request.params as ModelParams, ctx.versions)))
      },
    )

    app.get(
      `${base}/ready`,
      {
        schema: {
          summary: 'Model readiness',
          tags,
          params,
          response: { 200: V2ModelReady, ...notFound, ...notReady },
        },
        config: { access: 'open' },
      },
      (request, reply) => {
        const model = resolveModel(ctx.models, request.params as ModelParams, ctx.versions)
        reply.send({ name: model.name, ready: true })
      },
    )
  }
}

export default v2ModelRoutes
