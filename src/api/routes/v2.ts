/**
 * The Open Inference Protocol (V2) REST API, so KServe, Seldon MLServer and Triton clients can call this
 * service: server metadata and health, model metadata and readiness, and inference, each also under
 * /versions/{model_version}. The model's name is its file name (e.g. iris_model), its version the
 * model_version hash. Errors are the protocol's {"error": "..."}: 400 for a bad request, 404 for a model or
 * version we do not serve. Request bodies are checked by ../v2/request.ts (exact messages), not by Ajv.
 */
import { createRequire } from 'node:module'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { PredictionModel } from '../../model/types.js'
import type { ApiContext, RoutePlugin } from '../context.js'
import { HttpError, JSON_TYPE, ModelNotReadyError } from '../errors.js'
import { argmaxRows, quotedClasses } from '../predict-endpoint.js'
import { ErrorResponse } from '../schemas.js'
import { inferReplyJson } from '../v2/outputs.js'
import { parseInferRequest } from '../v2/request.js'
import {
  V2InferRequest,
  V2InferResponse,
  V2Live,
  V2ModelMetadata,
  V2ModelParams,
  V2ModelReady,
  V2ModelVersionParams,
  V2Ready,
  V2ServerMetadata,
} from '../v2/schemas.js'

/** Injected by scripts/build-server.mjs (esbuild `define`) into the bundled production server. */
declare const __IRIS_PACKAGE__: { name: string; version: string } | undefined
// Bundled, this module no longer sits three levels below the package root, so the build injects name and
// version; under tsx and in tsc's output (src/api/routes, dist/api/routes) package.json is read from there.
const pkg: { name: string; version: string } =
  typeof __IRIS_PACKAGE__ !== 'undefined'
    ? __IRIS_PACKAGE__
    : createRequire(import.meta.url)('../../../package.json')
/** The model input's name in metadata; requests may name their tensor anything. */
export const V2_INPUT_NAME = 'input-0'
export const V2_PLATFORM = 'iris-forest'

type ModelParams = { model_name: string; model_version?: string }

/** The served model if the path names it (and its version, when given); 404 otherwise. */
function resolveModel(ctx: ApiContext, params: ModelParams): PredictionModel {
  const model = ctx.models.current
  if (model === null) throw new ModelNotReadyError()
  if (params.model_name !== model.name) {
    throw new HttpError(
      404,
      `model ${JSON.stringify(params.model_name)} is not served here (the model is "${model.name}")`,
    )
  }
  if (params.model_version !== undefined && params.model_version !== model.version) {
    throw new HttpError(
      404,
      `model "${model.name}" has no version ${JSON.stringify(params.model_version)} (the served version is "${model.version}")`,
    )
  }
  return model
}

function modelMetadata(model: PredictionModel) {
  return {
    name: model.name,
    versions: [model.version],
    platform: V2_PLATFORM,
    inputs: [
      {
        name: V2_INPUT_NAME,
        datatype: 'FP64',
        shape: [-1, model.nFeatures],
        parameters: { feature_names: [...model.featureNames] },
      },
    ],
    outputs: [
      { name: 'predict', datatype: 'BYTES', shape: [-1], parameters: { classes: [...model.classes] } },
      {
        name: 'predict_proba',
        datatype: 'FP64',
        shape: [-1, model.nClasses],
        parameters: { classes: [...model.classes] },
      },
    ],
  }
}

const notFound = { 404: { ...ErrorResponse, description: 'No such model or version' } }
const notReady = { 503: { ...ErrorResponse, description: 'No model loaded yet' } }
const noSchemaValidation = () => () => true

const v2Routes: RoutePlugin = async (app, ctx: ApiContext) => {
  const tags = ['open-inference-protocol']
  const send = (request: FastifyRequest, reply: FastifyReply, body: unknown) =>
    reply.header('x-request-id', request.id).send(body)

  const server = ctx.recorder.route('/v2', 'GET')
  app.get(
    '/v2',
    { schema: { summary: 'Server metadata', tags, response: { 200: V2ServerMetadata } } },
    (request, reply) => {
      send(request, reply, { name: pkg.name, version: pkg.version, extensions: [] })
      server.done(request, 200)
    },
  )

  const live = ctx.recorder.route('/v2/health/live', 'GET')
  app.get(
    '/v2/health/live',
    { schema: { summary: 'Server liveness', tags, response: { 200: V2Live } } },
    (request, reply) => {
      send(request, reply, { live: true })
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
    },
    (request, reply) => {
      if (ctx.models.current === null) throw new ModelNotReadyError()
      send(request, reply, { ready: true })
      ready.done(request, 200)
    },
  )

  for (const base of ['/v2/models/:model_name', '/v2/models/:model_name/versions/:model_version']) {
    const params = base.includes(':model_version') ? V2ModelVersionParams : V2ModelParams

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
      },
      (request, reply) => {
        send(request, reply, modelMetadata(resolveModel(ctx, request.params as ModelParams)))
        metadata.done(request, 200)
      },
    )

    const modelReady = ctx.recorder.route(`${base}/ready`, 'GET')
    app.get(
      `${base}/ready`,
      {
        schema: {
          summary: 'Model readiness',
          tags,
          params,
          response: { 200: V2ModelReady, ...notFound, ...notReady },
        },
      },
      (request, reply) => {
        send(request, reply, { name: resolveModel(ctx, request.params as ModelParams).name, ready: true })
        modelReady.done(request, 200)
      },
    )

    const inferUrl = `${base}/infer`
    const infer = ctx.recorder.route(inferUrl, 'POST')
    const rowsChild = ctx.metrics.rows.child(inferUrl)
    app.post(
      inferUrl,
      {
        schema: {
          summary: 'Inference: outputs predict (labels) and/or predict_proba',
          tags,
          params,
          body: V2InferRequest,
          response: {
            200: V2InferResponse,
            400: {
              ...ErrorResponse,
              description: 'Bad request: envelope, shape, datatype, data or output name',
            },
            ...notFound,
            413: {
              ...ErrorResponse,
              description: 'Body larger than BODY_LIMIT or more rows than MAX_BATCH_ROWS',
            },
            ...notReady,
          },
        },
        validatorCompiler: noSchemaValidation,
      },
      (request, reply) => {
        const model = resolveModel(ctx, request.params as ModelParams)
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
        reply.header('x-request-id', request.id).type(JSON_TYPE).send(json)
        ctx.metrics.observePrediction(ctx.metrics.seriesFor(model), rowsChild, body.rows, body.nRows, indices)
        infer.done(request, 200)
      },
    )
  }
}

export default v2Routes
