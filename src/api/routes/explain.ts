/**
 * POST /explain: why the model answers what it answers. Same body, validation, errors, limits, log line
 * and metrics as /predict-proba; per row the prediction, the probabilities, the expected value and the
 * exact TreeSHAP contributions (src/ml/treeshap.ts), all keyed by class name and feature name, with
 * expected_value[c] + sum of contributions[c] = probabilities[c] (within 1e-9).
 * Explaining costs about 30x a prediction: ~0.1 ms of CPU per row on the 100-tree Iris forest
 * (bench/explain.ts), so a 10,000-row batch would hold the event loop for about 1 s and a health probe
 * sent meanwhile would wait as long. So /explain takes at most EXPLAIN_MAX_ROWS rows (default 500; 413
 * above) and explains them in slices of EXPLAIN_SLICE_ROWS, yielding to the event loop (setImmediate)
 * between slices, so /health/live and other requests are answered while an explanation runs
 * (bench/explain-health.ts measures the probe's latency during a max-size explain).
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { TreeShapError } from '../../ml/treeshap.js'
import type { PredictionModel } from '../../model/types.js'
import type { ApiContext, RoutePlugin } from '../context.js'
import { ExplainResponse, explainErrorResponses } from '../contracts/explain.js'
import { PredictBody, predictErrorResponses } from '../contracts/predict.js'
import { noSchemaValidation } from '../contracts/validation.js'
import { HttpError, InputError, JSON_TYPE, ModelNotReadyError } from '../errors.js'
import { parsePredictInput } from '../input.js'
import { argmaxRows, quotedClasses } from '../predict-endpoint.js'

/** The served model offers no explain() (or its trees cannot be explained): 501, with the reason. */
export class ExplainUnsupportedError extends HttpError {
  override name = 'ExplainUnsupportedError'
  constructor(reason: string) {
    super(501, `the served model cannot explain its predictions: ${reason}`)
  }
}

const quotedFeatureCache = new WeakMap<readonly string[], string[]>()
function quotedFeatures(model: PredictionModel): string[] {
  let q = quotedFeatureCache.get(model.featureNames)
  if (q === undefined) {
    q = model.featureNames.map((f) => JSON.stringify(f))
    quotedFeatureCache.set(model.featureNames, q)
  }
  return q
}

/** `{"<class>":v,...}` from values[offset .. offset + n). String(x) of a finite double is its JSON form. */
function keyed(keys: readonly string[], values: Float64Array, offset: number): string {
  let s = '{'
  for (let i = 0; i < keys.length; i++) s += `${i === 0 ? '' : ','}${keys[i]}:${String(values[offset + i])}`
  return `${s}}`
}

/** The reply, written by hand like /predict-proba's (the response schema documents it). */
export function explainJson(
  model: PredictionModel,
  nRows: number,
  proba: Float64Array,
  idx: Int32Array,
  expected: Float64Array,
  contributions: Float64Array,
): string {
  const classes = quotedClasses(model)
  const features = quotedFeatures(model)
  const k = model.nClasses
  const m = model.nFeatures
  const expectedJson = keyed(classes, expected, 0)
  let s = '{"explanations":['
  for (let r = 0; r < nRows; r++) {
    s += `${r === 0 ? '' : ','}{"prediction":${classes[idx[r]!]},"probabilities":${keyed(classes, proba, r * k)}`
    s += `,"expected_value":${expectedJson},"contributions":{`
    for (let c = 0; c < k; c++) {
      s += `${c === 0 ? '' : ','}${classes[c]}:${keyed(features, contributions, (r * k + c) * m)}`
    }
    s += '}}'
  }
  return `${s}]}`
}

/** Rows explained between two yields to the event loop: ~3 ms of CPU for the 100-tree Iris forest. */
export const EXPLAIN_SLICE_ROWS = 32

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** 413 before any row is read when the body asks for more rows than EXPLAIN_MAX_ROWS. */
function refuseTooManyRows(body: unknown, maxRows: number): void {
  const input = (body as { input?: unknown } | null)?.input
  if (Array.isArray(input) && input.length > maxRows) {
    throw new InputError(
      413,
      `input has ${input.length} rows; at most ${maxRows} rows are explained per request (EXPLAIN_MAX_ROWS)`,
    )
  }
}

/**
 * model.explain over `rows` in slices, yielding between them; the same numbers as one call (rows are
 * explained independently, and the expected value does not depend on the rows).
 */
export async function explainInSlices(
  explain: NonNullable<PredictionModel['explain']>,
  rows: Float64Array,
  nRows: number,
  nFeatures: number,
  nClasses: number,
  sliceRows = EXPLAIN_SLICE_ROWS,
): Promise<{ expectedValue: Float64Array; contributions: Float64Array }> {
  const perRow = nClasses * nFeatures
  const contributions = new Float64Array(nRows * perRow)
  let expectedValue: Float64Array | undefined
  for (let start = 0; start < nRows; start += sliceRows) {
    if (start > 0) await nextTurn()
    const n = Math.min(sliceRows, nRows - start)
    const part = explain(rows.subarray(start * nFeatures, (start + n) * nFeatures), n)
    expectedValue ??= part.expectedValue
    contributions.set(part.contributions.subarray(0, n * perRow), start * perRow)
  }
  return { expectedValue: expectedValue ?? new Float64Array(nClasses), contributions }
}

const explainRoutes: RoutePlugin = async (app, ctx: ApiContext) => {
  const { models, metrics, config } = ctx
  const url = '/explain'
  const rowsChild = metrics.rows.child(url)
  app.post(
    url,
    {
      schema: {
        summary: 'Predict with class probabilities and explain each one (exact TreeSHAP)',
        description:
          'Per row and class: expected_value + the sum of contributions = the probability (within 1e-9). ' +
          'A contribution > 0 pushes toward the class, < 0 away from it. The expected value is the ' +
          "forest's mean output over its training data (cover-weighted). Same input, validation, errors " +
          'as /predict-proba, and at most EXPLAIN_MAX_ROWS rows (413 above); explaining costs about 30x a prediction (~0.1 ms per row for the 100-tree Iris forest).',
        tags: ['prediction'],
        body: PredictBody,
        response: { 200: ExplainResponse, ...predictErrorResponses, ...explainErrorResponses },
      },
      validatorCompiler: noSchemaValidation,
      config: { access: 'explain' },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const model = models.current
      if (model === null) throw new ModelNotReadyError()
      const explain = model.explain
      if (explain === undefined) throw new ExplainUnsupportedError('it has no explainer')
      // The tighter limit names itself; when MAX_BATCH_ROWS is as tight, the message is /predict-proba's.
      if (config.EXPLAIN_MAX_ROWS < config.MAX_BATCH_ROWS)
        refuseTooManyRows(request.body, config.EXPLAIN_MAX_ROWS)
      const { rows, nRows } = parsePredictInput(request.body, model.nFeatures, config.MAX_BATCH_ROWS)
      let explanation: Awaited<ReturnType<typeof explainInSlices>>
      try {
        explanation = await explainInSlices(explain, rows, nRows, model.nFeatures, model.nClasses)
      } catch (err) {
        if (err instanceof TreeShapError) throw new ExplainUnsupportedError(err.message)
        throw err
      }
      const proba = model.predictProba(rows, nRows)
      const idx = argmaxRows(proba, nRows, model.nClasses)
      const body = explainJson(model, nRows, proba, idx, explanation.expectedValue, explanation.contributions)
      // The version that explained (as every prediction answer says): also its log line's model_version.
      reply.header('x-model-version', model.version).type(JSON_TYPE).send(body)
      metrics.observePrediction(metrics.seriesFor(model), rowsChild, rows, nRows, idx)
      return reply
    },
  )
}

export default explainRoutes
