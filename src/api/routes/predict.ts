/**
 * POST /predict and POST /predict-proba through Fastify (the seed's contract). The work is
 * ../predict-endpoint.ts, shared with the fast lane (../fast-lane.ts), which answers the same requests
 * without Fastify's per-request machinery when nothing else (API keys, rate limits, CORS) must run first.
 * Request validation is ../input.ts, hence no schema validator here; the schemas document the routes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ApiContext, RoutePlugin } from '../context.js'
import {
  PredictBody,
  PredictProbaResponse,
  PredictResponse,
  predictErrorResponses,
} from '../contracts/predict.js'
import { noSchemaValidation } from '../contracts/validation.js'
import { JSON_TYPE } from '../errors.js'
import { PREDICT_URLS, predictEndpoints } from '../predict-endpoint.js'
import { PREDICTION_ACCESS } from '../security/scopes.js'

const predictRoutes: RoutePlugin = async (app, ctx: ApiContext) => {
  const endpoints = predictEndpoints(ctx)
  for (const url of PREDICT_URLS) {
    const endpoint = endpoints[url]
    app.post(
      url,
      {
        schema: {
          summary: endpoint.withProba ? 'Predict species with class probabilities' : 'Predict species',
          tags: ['prediction'],
          body: PredictBody,
          response: {
            200: endpoint.withProba ? PredictProbaResponse : PredictResponse,
            ...predictErrorResponses,
          },
        },
        validatorCompiler: noSchemaValidation,
        config: { access: PREDICTION_ACCESS },
      },
      (request: FastifyRequest, reply: FastifyReply) => {
        const body = endpoint.answer(request.body)
        reply.header('x-request-id', request.id).type(JSON_TYPE).send(body)
        endpoint.recorder.done(request, 200)
      },
    )
  }
}

export default predictRoutes
