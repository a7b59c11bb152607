/**
 * The Open Inference Protocol (V2) REST API, so KServe, Seldon MLServer and Triton clients can call this
 * service: server metadata and health (v2/server.ts), model metadata and readiness (v2/models.ts) and
 * inference (v2/infer.ts), each model route also under /versions/{model_version}. Errors are the protocol's
 * {"error": "..."}: 400 for a bad request, 404 for a model or version we do not serve.
 */
import type { ApiContext, RoutePlugin } from '../context.js'
import v2InferRoutes from './v2/infer.js'
import v2ModelRoutes from './v2/models.js'
import v2ServerRoutes from './v2/server.js'

const v2Routes: RoutePlugin = async (app, ctx: ApiContext) => {
  for (const plugin of [v2ServerRoutes, v2ModelRoutes, v2InferRoutes]) await app.register(plugin, ctx)
}

export default v2Routes
