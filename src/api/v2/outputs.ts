/**
 * The two outputs a classifier serves, as in MLServer's scikit-learn runtime: `predict` (the labels,
 * BYTES [N]) and `predict_proba` (FP64 [N, n_classes], row-major, in the model's class order).
 * The reply is written by hand, like the other prediction routes: a generic serialiser would check
 * every element of `data` against the schema's number-or-string union.
 */
import { quoteString } from '../client-text.js'
import { HttpError } from '../errors.js'

export const OUTPUT_NAMES = ['predict', 'predict_proba'] as const
export type OutputName = (typeof OUTPUT_NAMES)[number]
const DEFAULT_OUTPUTS: OutputName[] = ['predict']

/** The outputs the request asks for, in its order; `predict` when it names none. */
export function requestedOutputs(outputs: readonly { name: string }[]): OutputName[] {
  if (outputs.length === 0) return DEFAULT_OUTPUTS
  const names: OutputName[] = []
  outputs.forEach(({ name }, i) => {
    if (!(OUTPUT_NAMES as readonly string[]).includes(name)) {
      throw new HttpError(
        400,
        `outputs[${i}].name ${quoteString(name)} is not an output of this model (use ${OUTPUT_NAMES.join(' or ')})`,
      )
    }
    if (names.includes(name as OutputName))
      throw new HttpError(400, `outputs[${i}].name ${quoteString(name)} is requested twice`)
    names.push(name as OutputName)
  })
  return names
}

export interface InferReply {
  modelName: string
  modelVersion: string
  id: string
  outputs: readonly OutputName[]
  nRows: number
  nClasses: number
  /** Class names as JSON string literals. */
  quotedClasses: readonly string[]
  /** nRows * nClasses probabilities, row-major. */
  proba: Float64Array
  /** Class index per row (argmax of proba). */
  indices: Int32Array
}

function predictJson(r: InferReply): string {
  let s = `{"name":"predict","datatype":"BYTES","shape":[${r.nRows}],"data":[`
  for (let i = 0; i < r.nRows; i++) s += (i === 0 ? '' : ',') + r.quotedClasses[r.indices[i]!]
  return `${s}]}`
}

function probaJson(r: InferReply): string {
  let s = `{"name":"predict_proba","datatype":"FP64","shape":[${r.nRows},${r.nClasses}],"data":[`
  // String(x) of a finite double is exactly its JSON form (shortest round-trip digits).
  for (let k = 0; k < r.proba.length; k++) s += (k === 0 ? '' : ',') + String(r.proba[k])
  return `${s}]}`
}

/** The inference response body as JSON text. */
export function inferReplyJson(r: InferReply): string {
  const outputs = r.outputs.map((name) => (name === 'predict' ? predictJson(r) : probaJson(r)))
  return `{"model_name":${JSON.stringify(r.modelName)},"model_version":${JSON.stringify(r.modelVersion)},"id":${JSON.stringify(r.id)},"outputs":[${outputs.join(',')}]}`
}
