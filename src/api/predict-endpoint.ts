/**
 * What POST /predict and POST /predict-proba do once the body is parsed, apart from how the request arrived:
 * the Fastify routes (routes/predict.ts) and the fast lane (fast-lane.ts) both call `answer()`, so the
 * contract, the metrics and the reply bytes exist once. The forest runs once per request: /predict asks for
 * class indices only, /predict-proba takes the argmax of the probabilities it already has. Replies are
 * written by hand from pre-quoted class names (faster than any serialiser); the response schemas document them.
 */
import type { PredictionModel } from '../model/types.js'
import type { ApiContext } from './context.js'
import { ModelNotReadyError } from './errors.js'
import { parsePredictInput } from './input.js'
import type { HistogramChild } from './metrics/index.js'
import type { RouteRecorder } from './recorder.js'
import type { RolloutEngine } from './rollout/engine.js'
import { rolloutOf } from './rollout/install.js'

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

export const PREDICT_URLS = ['/predict', '/predict-proba'] as const
export type PredictUrl = (typeof PREDICT_URLS)[number]

export class PredictEndpoint {
  readonly withProba: boolean
  /** Logs and times this route's requests (one RouteRecorder per route, shared by both ways in). */
  readonly recorder: RouteRecorder
  private readonly rowsChild: HistogramChild
  /**
   * The version that produced the last `answer()` (read right after it: answer is synchronous), for the
   * X-Model-Version header and the log line.
   */
  servedVersion = ''
  /** The app's rollout engine, looked up on first use (./rollout/install.ts). */
  private rollout: RolloutEngine | null | undefined

  constructor(
    private readonly ctx: ApiContext,
    readonly url: PredictUrl,
  ) {
    this.withProba = url === '/predict-proba'
    this.recorder = ctx.recorder.route(url, 'POST')
    this.rowsChild = ctx.metrics.rows.child(url)
  }

  /**
   * The 200 body for a parsed request body, with the prediction metrics counted; throws HttpError otherwise.
   * During a canary rollout the candidate answers its share (`clientKey`, X-Client-ID or the API key's
   * principal, keeps a client on one side); in shadow mode the candidate scores the rows after the answer.
   * While a rollout runs, the model's compute time is counted for its version (the gate's p99 rule).
   */
  answer(body: unknown, clientKey?: string): string {
    const stable = this.ctx.models.current
    if (stable === null) throw new ModelNotReadyError()
    const rollout = (this.rollout ??= rolloutOf(this.ctx) ?? null)
    const model = (rollout?.active && rollout.route(clientKey)) || stable
    this.servedVersion = model.version
    const { rows, nRows } = parsePredictInput(body, model.nFeatures, this.ctx.config.MAX_BATCH_ROWS)
    let json: string
    let idx: Int32Array
    const timing = rollout?.active ? rollout : null
    const t0 = timing === null ? 0 : timing.clock()
    if (this.withProba) {
      const proba = model.predictProba(rows, nRows)
      timing?.observeLatency(model.version, timing.clock() - t0)
      idx = argmaxRows(proba, nRows, model.nClasses)
      json = `${predictionJson(quotedClasses(model), idx)},${probabilitiesJson(proba, nRows, model.nClasses)}}`
    } else {
      idx = model.predictIndices(rows, nRows)
      timing?.observeLatency(model.version, timing.clock() - t0)
      json = `${predictionJson(quotedClasses(model), idx)}}`
    }
    const metrics = this.ctx.metrics
    metrics.observePrediction(metrics.seriesFor(model), this.rowsChild, rows, nRows, idx)
    if (rollout?.active?.mode === 'shadow') rollout.shadow(rows, nRows, idx)
    return json
  }
}

/** Both endpoints of an app, made once (the Fastify routes and the fast lane share them). */
const byContext = new WeakMap<ApiContext, Record<PredictUrl, PredictEndpoint>>()
export function predictEndpoints(ctx: ApiContext): Record<PredictUrl, PredictEndpoint> {
  let e = byContext.get(ctx)
  if (e === undefined) {
    e = {
      '/predict': new PredictEndpoint(ctx, '/predict'),
      '/predict-proba': new PredictEndpoint(ctx, '/predict-proba'),
    }
    byContext.set(ctx, e)
  }
  return e
}
