/**
 * POST /predict and POST /predict-proba (the seed's contract). The forest runs once per request: /predict
 * asks for class indices only, /predict-proba takes the argmax of the probabilities it already has.
 * Replies are written by hand from pre-quoted class names (faster than any serialiser); the response
 * schemas still document them. Request validation is ../input.ts, hence no schema validator here.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { PredictionModel } from '../../model/types.js'
import type { ApiContext, RoutePlugin } from '../context.js'
import { ModelNotReadyError } from '../errors.js'
import { parsePredictInput } from '../input.js'
import { PredictBody, PredictProbaResponse, PredictResponse, predictErrorResponses } from '../schemas.js'

const JSON_TYPE = 'application/json; charset=utf-8'

/** Class names as JSON string literals, computed once per class list. */
const quotedCache = new WeakMap<readonly string[], string[]>()
export function quotedClasses(model: PredictionModel): string[] {
  let q = quotedCache.get(model.classes)
  if (q === undefined) {
    q = model.classes.map((c) => JSON.stringify(c))
    quotedCache.set(model.classes, q)
  }
  return q
}

/** Argmax per row, ties to the lowest index (the PredictionModel contract for predictIndices). */
export function argmaxRows(proba: Float64Array, nRows: number, nClasses: number): Int32Array {
  const out = new Int32Array(nRows)
  for (let i = 0, base = 0; i < nRows; i++, base += nClasses) {
    let best = 0
    let bestP = proba[base] as number
    for (let c = 1; c < nClasses; c++) {
      const p = proba[base + c] as number
      if (p > bestP) {
        bestP = p
        best = c
      }
    }
    out[i] = best
  }
  return out
}

export function predictionJson(quoted: readonly string[], idx: Int32Array): string {
  let s = '{"prediction":['
  for (let i = 0; i < idx.length; i++) s += (i === 0 ? '' : ',') + quoted[idx[i] as number]
  return `${s}]`
}

export function probabilitiesJson(proba: Float64Array, nRows: number, nClasses: number): string {
  let s = '"probabilities":['
  for (let i = 0, k = 0; i < nRows; i++) {
    s += i === 0 ? '[' : ',['
    // String(x) of a finite double is exactly its JSON form.
    for (let c = 0; c < nClasses; c++, k++) s += (c === 0 ? '' : ',') + String(proba[k])
    s += ']'
  }
  return `${s}]`
}

// Bodies are validated by parsePredictInput, not by Ajv (see the header comment).
const noSchemaValidation = () => () => true

const predictRoutes: RoutePlugin = async (app, ctx: ApiContext) => {
  const { models, metrics, config } = ctx
  const maxRows = config.MAX_BATCH_ROWS

  for (const withProba of [false, true]) {
    const url = withProba ? '/predict-proba' : '/predict'
    const rec = ctx.recorder.route(url, 'POST')
    const rowsChild = metrics.rows.child(url)
    app.post(
      url,
      {
        schema: {
          summary: withProba ? 'Predict species with class probabilities' : 'Predict species',
          tags: ['prediction'],
          body: PredictBody,
          response: { 200: withProba ? PredictProbaResponse : PredictResponse, ...predictErrorResponses },
        },
        validatorCompiler: noSchemaValidation,
      },
      (request: FastifyRequest, reply: FastifyReply) => {
        const model = models.current
        if (model === null) throw new ModelNotReadyError()
        const { rows, nRows } = parsePredictInput(request.body, model.nFeatures, maxRows)
        let body: string
        let idx: Int32Array
        if (withProba) {
          const proba = model.predictProba(rows, nRows)
          idx = argmaxRows(proba, nRows, model.nClasses)
          body = `${predictionJson(quotedClasses(model), idx)},${probabilitiesJson(proba, nRows, model.nClasses)}}`
        } else {
          idx = model.predictIndices(rows, nRows)
          body = `${predictionJson(quotedClasses(model), idx)}}`
        }
        reply.header('x-request-id', request.id).type(JSON_TYPE).send(body)
        metrics.observePrediction(metrics.seriesFor(model), rowsChild, rows, nRows, idx)
        rec.done(request, 200)
      },
    )
  }
}

export default predictRoutes
