/**
 * The inference request envelope, checked by hand like the other prediction routes (../input.ts): exact
 * messages that point at the field (`inputs[0].shape`, `outputs[1].name`) and no type coercion.
 */
import { describeValue as describe } from '../client-text.js'
import { HttpError } from '../errors.js'
import { type OutputName, requestedOutputs } from './outputs.js'
import { type DecodedRows, decodeInputTensor } from './tensor.js'

export interface InferRequest extends DecodedRows {
  /** The client's request id, echoed in the reply. */
  id: string | undefined
  outputs: OutputName[]
}

const MAX_ID_LENGTH = 256
const bad = (message: string) => new HttpError(400, message)
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function optionalObject(owner: Record<string, unknown>, key: string, where: string): void {
  if (owner[key] !== undefined && !isObject(owner[key])) {
    throw bad(`${where}${key} is ${describe(owner[key])}, expected an object`)
  }
}

function requiredString(owner: Record<string, unknown>, key: string, where: string): string {
  const value = owner[key]
  if (typeof value !== 'string') throw bad(`${where}${key} is ${describe(value)}, expected a string`)
  return value
}

export function parseInferRequest(body: unknown, nFeatures: number, maxRows: number): InferRequest {
  if (!isObject(body)) {
    throw bad(
      `the body must be a JSON object like {"inputs": [{"name", "shape", "datatype", "data"}]}, got ${describe(body)}`,
    )
  }
  const { id, inputs, outputs } = body
  // The cheap checks first: a request with a typo in `outputs` fails before its data is decoded.
  if (outputs !== undefined && !Array.isArray(outputs))
    throw bad(`outputs is ${describe(outputs)}, expected a list`)
  const wanted = requestedOutputs(
    (outputs ?? []).map((o: unknown, i: number) => {
      if (!isObject(o))
        throw bad(`outputs[${i}] is ${describe(o)}, expected an object like {"name": "predict"}`)
      optionalObject(o, 'parameters', `outputs[${i}].`)
      return { name: requiredString(o, 'name', `outputs[${i}].`) }
    }),
  )
  if (id !== undefined && (typeof id !== 'string' || id.length > MAX_ID_LENGTH)) {
    throw bad(`id must be a string of at most ${MAX_ID_LENGTH} characters`)
  }
  optionalObject(body, 'parameters', '')
  if (!Array.isArray(inputs)) throw bad(`inputs is ${describe(inputs)}, expected a list with one tensor`)
  if (inputs.length !== 1) {
    throw bad(`inputs has ${inputs.length} tensors; this model takes exactly one, of shape [N, ${nFeatures}]`)
  }
  const input = inputs[0]
  if (!isObject(input)) throw bad(`inputs[0] is ${describe(input)}, expected a tensor object`)
  requiredString(input, 'name', 'inputs[0].')
  const datatype = requiredString(input, 'datatype', 'inputs[0].')
  optionalObject(input, 'parameters', 'inputs[0].')
  if (input.shape === undefined) throw bad('inputs[0].shape is missing')
  const decoded = decodeInputTensor(
    { name: input.name as string, datatype, shape: input.shape, data: input.data },
    nFeatures,
    maxRows,
  )
  return { id, outputs: wanted, ...decoded }
}
