/**
 * Runs one hostile request through app.inject and judges the answer: a JSON 4xx with a non-empty "error"
 * or a 200 whose body is right (lengths, classes, probabilities in [0, 1] summing to 1, and for the seed's
 * routes the exact answer of the model); never a 5xx, never a stack frame or an internal path.
 */
import type { FastifyInstance } from 'fastify'
import type { PredictionModel } from '../../src/model/types.js'
import type { FuzzRequest } from './cases.js'

/** Stack frames, source positions, install paths: none may reach a client. */
export const LEAK = /\/work\/|node_modules|\.ts:\d|\.js:\d|\n\s+at |\bat [\w.<>]+ \(/

/** Every POST route the app documents, with path parameters filled for `model`. */
export function postRoutes(app: FastifyInstance, model: PredictionModel): string[] {
  const doc = (app as unknown as { swagger(): { paths: Record<string, Record<string, unknown>> } }).swagger()
  return Object.entries(doc.paths)
    .filter(([, ops]) => 'post' in ops)
    .map(([p]) => p.replace('{model_name}', model.name).replace('{model_version}', model.version))
}

/** The own property names of Object.prototype and Array.prototype, to prove nothing was polluted. */
export function prototypeSnapshot(): string {
  return [
    ...Object.getOwnPropertyNames(Object.prototype),
    '|',
    ...Object.getOwnPropertyNames(Array.prototype),
  ].join(',')
}

const near = (a: number, b: number) => Math.abs(a - b) <= 1e-9

/** Expected probabilities for a body the server accepted (it was valid, so it parses here too). */
function expectedProba(
  payload: string | Buffer,
  model: PredictionModel,
): { proba: Float64Array; n: number } | null {
  try {
    const body = JSON.parse(payload.toString()) as { input?: unknown }
    const rows = body.input as number[][]
    const flat = Float64Array.from(rows.flat())
    return { proba: model.predictProba(flat, rows.length), n: rows.length }
  } catch {
    return null
  }
}

function argmax(p: ArrayLike<number>, base: number, k: number): number {
  let best = 0
  for (let c = 1; c < k; c++) if ((p[base + c] as number) > (p[base + best] as number)) best = c
  return best
}

function checkOk(
  url: string,
  body: Record<string, unknown>,
  req: FuzzRequest,
  model: PredictionModel,
): string | null {
  const k = model.nClasses
  if (url === '/predict' || url === '/predict-proba') {
    const exp = expectedProba(req.payload, model)
    if (exp === null) return 'accepted a body that does not hold valid rows'
    const pred = body.prediction as unknown[]
    if (!Array.isArray(pred) || pred.length !== exp.n)
      return `prediction has ${pred?.length} entries, want ${exp.n}`
    for (let i = 0; i < exp.n; i++) {
      if (pred[i] !== model.classes[argmax(exp.proba, i * k, k)]) return `prediction[${i}] is ${pred[i]}`
    }
    if (url === '/predict-proba') {
      const probs = body.probabilities as number[][]
      if (!Array.isArray(probs) || probs.length !== exp.n) return 'probabilities has the wrong length'
      for (let i = 0; i < exp.n; i++) {
        const row = probs[i]!
        if (row.length !== k) return `probabilities[${i}] has ${row.length} values`
        if (
          !near(
            row.reduce((a, b) => a + b, 0),
            1,
          )
        )
          return `probabilities[${i}] does not sum to 1`
        for (let c = 0; c < k; c++)
          if (row[c] !== exp.proba[i * k + c]) return `probabilities[${i}][${c}] differs`
      }
    }
    return null
  }
  if (url === '/explain') {
    const list = body.explanations as { prediction: string; probabilities: Record<string, number> }[]
    if (!Array.isArray(list) || list.length === 0) return 'explanations missing'
    for (const e of list) {
      if (!model.classes.includes(e.prediction)) return `unknown class ${e.prediction}`
      if (
        !near(
          Object.values(e.probabilities).reduce((a, b) => a + b, 0),
          1,
        )
      )
        return 'probabilities do not sum to 1'
    }
    return null
  }
  if (url.startsWith('/v2/')) {
    const outputs = body.outputs as { name: string; shape: number[]; data: unknown[] }[]
    if (!Array.isArray(outputs) || outputs.length === 0) return 'outputs missing'
    for (const o of outputs) {
      const size = o.shape.reduce((a, b) => a * b, 1)
      if (o.data.length !== size) return `${o.name}: ${o.data.length} values for shape [${o.shape}]`
      if (o.name === 'predict' && !o.data.every((c) => model.classes.includes(c as string)))
        return 'unknown class'
      if (o.name === 'predict_proba') {
        const d = o.data as number[]
        for (let i = 0; i < d.length; i += k) {
          if (
            !near(
              d.slice(i, i + k).reduce((a, b) => a + b, 0),
              1,
            )
          )
            return `predict_proba row ${i / k} sum`
        }
      }
    }
    return null
  }
  return `unexpected 200 from ${url}`
}

export interface Verdict {
  status: number
  fault: string | null
}

export async function runCase(
  app: FastifyInstance,
  req: FuzzRequest,
  model: PredictionModel,
): Promise<Verdict> {
  const headers: Record<string, string> = {}
  if (req.contentType !== undefined) headers['content-type'] = req.contentType
  const res = await app.inject({ method: 'POST', url: req.url, headers, payload: req.payload })
  const status = res.statusCode
  const verdict = (fault: string | null) => ({ status, fault: fault && `${status} ${req.url}: ${fault}` })
  if (status >= 500) return verdict(`server error: ${res.body.slice(0, 200)}`)
  if (!String(res.headers['content-type']).startsWith('application/json')) return verdict('not JSON')
  if (LEAK.test(res.body)) return verdict(`leaks internals: ${res.body.slice(0, 200)}`)
  let body: Record<string, unknown>
  try {
    body = JSON.parse(res.body)
  } catch {
    return verdict('body is not valid JSON')
  }
  if (status === 200) return verdict(checkOk(req.url, body, req, model))
  if (status < 400) return verdict('neither 200 nor 4xx')
  if (typeof body.error !== 'string' || body.error.length === 0)
    return verdict('4xx without an "error" message')
  return verdict(null)
}
