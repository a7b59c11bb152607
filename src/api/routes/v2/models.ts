/** V2 model routes: metadata and readiness, under /v2/models/{name} and /versions/{version}. */
import type { ApiContext, RoutePlugin } from '../../context.js'
import { V2ModelMetadata, V2ModelReady } from '../../contracts/v2.js'
import { MODEL_BASES, type ModelParams, resolveModel } from '../../v2/model-lookup.js'
import { modelMetadata } from '../../v2/model-metadata.js'
import { notFound, notReady, sendWithId, tags } from './shared.js'

const v2ModelRoutes: RoutePlugin = async (app, ctx: ApiContext) => {
  for (const { base, params } of MODEL_BASES) {
    const metadata = ctx.recorder.route(base, 'GET')
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
        sendWithId(
          request,
          reply,
          modelMetadata(resolveModel(ctx.models, request.params as ModelParams, ctx.versions)),
        )
        metadata.done(request, 200)
      },
    )

    const ready = ctx.recorder.route(`${base}/ready`, 'GET')
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
        sendWithId(request, reply, { name: model.name, ready: true })
        ready.done(request, 200)
      },
    )
  }
}

export default v2ModelRoutes
