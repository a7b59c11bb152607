/**
 * POST /predict and POST /predict-proba through Fastify (the seed's contract). The work is
 * ../predict-endpoint.ts, shared with the fast lane (../fast-lane.ts), which answers the same requests
 * without Fastify's per-request machinery when nothing else (API keys, rate limits, CORS) must run first.
 * Request validation is ../input.ts, hence no schema validator here; the schemas document the routes.
 * A text/csv or application/x-ndjson body is streamed instead (../stream/, docs/streaming.md).
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
import { clientKeyOf } from '../rollout/client-key.js'
import { PREDICTION_ACCESS } from '../security/scopes.js'
import { streamKindOf } from '../stream/format.js'
import { addStreamParsers, answerStream, STREAM_MEDIA_TYPES } from '../stream/stream-route.js'

const predictRoutes: RoutePlugin = async (app, ctx: ApiContext) => {
  const endpoints = predictEndpoints(ctx)
  // Scoped to this plugin: only these two routes receive a body as a stream.
  addStreamParsers(app)
  for (const url of PREDICT_URLS) {
    const endpoint = endpoints[url]
    app.post(
      url,
      {
        schema: {
          summary: endpoint.withProba ? 'Predict species with class probabilities' : 'Predict species',
          tags: ['prediction'],
          description: STREAM_DESCRIPTION,
          consumes: ['application/json', ...STREAM_MEDIA_TYPES],
          produces: ['application/json', 'text/csv', 'application/x-ndjson'],
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
        const kind = streamKindOf(request.headers['content-type'])
        if (kind !== null) return answerStream(ctx, endpoint, request, reply, kind)
        const body = endpoint.answer(request.body, clientKeyOf(request.raw))
        const version = endpoint.servedVersion
        reply.header('x-request-id', request.id).header('x-model-version', version).type(JSON_TYPE).send(body)
        endpoint.recorder.done(request, 200, null, undefined, version)
      },
    )
  }
}

const STREAM_DESCRIPTION = [
  'A JSON body answers JSON. A `text/csv` body (header row optional; with one, features are matched by name and',
  'other columns such as `species` are carried through) or an `application/x-ndjson` body (one row array or',
  '`{"input": [...]}` object per line) is streamed: the answer comes in the same format, row by row, in constant',
  'memory (CSV: the input columns, `prediction` and for /predict-proba `proba_<class>` columns; NDJSON: one',
  '`{"prediction": ..., "probabilities": [...]}` object per line). Limits: MAX_STREAM_ROWS rows and STREAM_TIMEOUT_S',
  'seconds, not BODY_LIMIT. A bad line before any answer byte is a 400 JSON error naming the line and column.',
  'After that the status is already sent, so the stream ends with one error record:',
  'CSV `#error,<line>,<column>,<rows answered>,<message>`; NDJSON',
  '`{"error": "<message>", "line": <n>, "column": <n or null>, "rows": <rows answered>}` (docs/streaming.md).',
].join(' ')

export default predictRoutes
