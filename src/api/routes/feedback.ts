/**
 * POST /feedback {"input": [[...]], "truth": ["setosa", ...]}: labelled rows. The input is checked exactly
 * as /predict's (same errors); a truth that is not a list of strings is a 400, an unknown class or a length
 * other than the rows' a 422. Every loaded version predicts the rows (a paired comparison on the very same
 * rows); the counts feed online accuracy, the rollout's paired counts and its gate (../rollout/engine.ts).
 */

import type { PredictionModel } from '../../model/types.js'
import { clipText } from '../client-text.js'
import type { ApiContext, RoutePlugin } from '../context.js'
import { ErrorResponse } from '../contracts/error.js'
import { FeedbackBody, FeedbackResponse } from '../contracts/feedback.js'
import { predictErrorResponses } from '../contracts/predict.js'
import { noSchemaValidation } from '../contracts/validation.js'
import { HttpError, ModelNotReadyError } from '../errors.js'
import { keepFeedback } from '../feedback/keep.js'
import { parsePredictInput } from '../input.js'
import { rolloutOf } from '../rollout/install.js'

/** The class index of each truth label; HttpError naming the first bad one. */
export function parseTruth(body: unknown, nRows: number, classes: readonly string[]): Int32Array {
  const truth = (body as { truth?: unknown }).truth
  if (truth === undefined) throw new HttpError(422, 'truth is missing: give the true class of each row')
  if (!Array.isArray(truth)) throw new HttpError(400, 'truth must be a list of class names')
  if (truth.length !== nRows)
    throw new HttpError(422, `truth has ${truth.length} labels but input has ${nRows} rows`)
  const out = new Int32Array(nRows)
  for (let i = 0; i < nRows; i++) {
    const label = truth[i]
    if (typeof label !== 'string') throw new HttpError(400, `truth[${i}] must be a string`)
    const k = classes.indexOf(label)
    if (k === -1)
      throw new HttpError(
        422,
        `truth[${i}] ${JSON.stringify(clipText(label))} is not a class of the model (${classes.join(', ')})`,
      )
    out[i] = k
  }
  return out
}

const feedbackRoutes: RoutePlugin = async (app, ctx: ApiContext) => {
  app.post(
    '/feedback',
    {
      schema: {
        summary:
          'Labelled feedback: every loaded version predicts the rows; online accuracy and the rollout gate',
        tags: ['model'],
        body: FeedbackBody,
        response: {
          200: FeedbackResponse,
          ...predictErrorResponses,
          422: { ...ErrorResponse, description: 'As /predict, or a truth label unknown / not one per row' },
        },
      },
      validatorCompiler: noSchemaValidation,
      config: { access: 'feedback' },
    },
    async (request, reply) => {
      const stable = ctx.models.current
      if (stable === null) throw new ModelNotReadyError()
      const { rows, nRows } = parsePredictInput(request.body, stable.nFeatures, ctx.config.MAX_BATCH_ROWS)
      const truth = parseTruth(request.body, nRows, stable.classes)
      const loaded: PredictionModel[] = [...(ctx.versions.current?.models.values() ?? [])]
      const models = loaded.length > 0 ? loaded : [stable]
      const engine = rolloutOf(ctx)
      const versions =
        engine === undefined
          ? Object.fromEntries(models.map((m) => [m.version, { correct: correctOf(m, rows, nRows, truth) }]))
          : await engine.feedback(models, rows, nRows, truth)
      // The labelled rows join the registry's feedback.csv, the data `iris retrain` adds (../feedback/keep.ts).
      await keepFeedback(ctx, stable, rows, nRows, truth, versions)
      return reply.send({ rows: nRows, versions })
    },
  )
}

function correctOf(m: PredictionModel, rows: Float64Array, nRows: number, truth: Int32Array): number {
  const idx = m.predictIndices(rows, nRows)
  let n = 0
  for (let i = 0; i < nRows; i++) if (idx[i] === truth[i]) n++
  return n
}

export default feedbackRoutes
