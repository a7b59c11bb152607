/**
 * V2 inference: POST /v2/models/{name}[/versions/{version}]/infer. The body is checked by
 * ../../v2/request.ts (exact messages), not by Ajv; the reply is written by hand (../../v2/outputs.ts).
 */

import type { ApiContext, RoutePlugin } from '../../context.js'
import { ErrorResponse } from '../../contracts/error.js'
import { V2InferRequest, V2InferResponse } from '../../contracts/v2.js'
import { noSchemaValidation } from '../../contracts/validation.js'
import { JSON_TYPE } from '../../errors.js'
import { argmaxRows, quotedClasses } from '../../predict-endpoint.js'
import { MODEL_BASES, type ModelParams, resolveModel } from '../../v2/model-lookup.js'
import { inferReplyJson } from '../../v2/outputs.js'
import { parseInferRequest } from '../../v2/request.js'
import { notFound, notReady, tags } from './shared.js'

const errorResponses = {
  400: { ...ErrorResponse, description: 'Bad request: envelope, shape, datatype, data or output name' },
  ...notFound,
  413: { ...ErrorResponse, description: 'Body larger than BODY_LIMIT or more rows than MAX_BATCH_ROWS' },
  ...notReady,
}

const v2InferRoutes: RoutePlugin = async (app, ctx: ApiContext) => {
  for (const { base, params } of MODEL_BASES) {
    const url = `${base}/infer`
    const rowsChild = ctx.metrics.rows.child(url)
    app.post(
      url,
      {
        schema: {
          summary: 'Inference: outputs predict (labels) and/or predict_proba',
          tags,
          params,
          body: V2InferRequest,
          response: { 200: V2InferResponse, ...errorResponses },
        },
        validatorCompiler: noSchemaValidation,
        config: { access: 'predict' },
      },
      (request, reply) => {
        const model = resolveModel(ctx.models, request.params as ModelParams, ctx.versions)
        const body = parseInferRequest(request.body, model.nFeatures, ctx.config.MAX_BATCH_ROWS)
        const proba = model.predictProba(body.rows, body.nRows)
        const indices = argmaxRows(proba, body.nRows, model.nClasses)
        const json = inferReplyJson({
          modelName: model.name,
          modelVersion: model.version,
          id: body.id ?? request.id,
          outputs: body.outputs,
          nRows: body.nRows,
          nClasses: model.nClasses,
          quotedClasses: quotedClasses(model),
          proba,
          indices,
        })
        reply.header('x-model-version', model.version).type(JSON_TYPE).send(json)
        ctx.metrics.observePrediction(ctx.metrics.seriesFor(model), rowsChild, body.rows, body.nRows, indices)
      },
    )
  }
}

export default v2InferRoutes
