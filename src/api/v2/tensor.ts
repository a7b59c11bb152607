/**
 * Decodes the Open Inference Protocol input tensor into the row-major Float64Array the model reads.
 * The tensor must be [N, n_features]; data may be flat (row-major, N * n_features numbers) or nested
 * exactly as the shape says (N arrays of n_features numbers). Every fault names where it is.
 */

import { describeValue as describe, quoteValue } from '../client-text.js'
import { HttpError } from '../errors.js'
import { readerFor } from './datatypes.js'

export interface V2InputTensor {
  name: string
  shape: unknown
  datatype: string
  data: unknown
  parameters?: unknown
}

export interface DecodedRows {
  rows: Float64Array
  nRows: number
}

const bad = (message: string) => new HttpError(400, message)

/** Checks the shape is [N, nFeatures] with 1 <= N <= maxRows and returns N. */
export function rowCount(shape: unknown, nFeatures: number, maxRows: number, where: string): number {
  const expected = `expected [N, ${nFeatures}]`
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
    throw bad(`${where}.shape ${quoteValue(shape)} is not a list of non-negative integers (${expected})`)
  }
  if (shape.length !== 2)
    throw bad(`${where}.shape ${quoteValue(shape)} has ${shape.length} dimensions, ${expected}`)
  const [nRows, width] = shape as [number, number]
  if (width !== nFeatures) {
    throw bad(`${where}.shape[1] is ${width}, but the model takes ${nFeatures} features (${expected})`)
  }
  if (nRows < 1) throw bad(`${where}.shape[0] is 0: send at least one row`)
  if (nRows > maxRows) {
    throw new HttpError(
      413,
      `${where}.shape[0] is ${nRows}; at most ${maxRows} rows are accepted per request (MAX_BATCH_ROWS)`,
    )
  }
  return nRows
}

export function decodeInputTensor(
  input: V2InputTensor,
  nFeatures: number,
  maxRows: number,
  where = 'inputs[0]',
): DecodedRows {
  const read = readerFor(input.datatype, where)
  const nRows = rowCount(input.shape, nFeatures, maxRows, where)
  const { data } = input
  if (!Array.isArray(data)) throw bad(`${where}.data is ${describe(data)}, expected a list of numbers`)
  const rows = new Float64Array(nRows * nFeatures)
  const put = (value: unknown, index: number, path: string) => {
    if (typeof value !== 'number') throw bad(`${where}.data${path} is ${describe(value)}, expected a number`)
    const converted = read(value)
    if (typeof converted === 'string') throw bad(`${where}.data${path} = ${value} ${converted}`)
    rows[index] = converted
  }
  const total = nRows * nFeatures
  if (data.length > 0 && Array.isArray(data[0])) {
    // Nested: one list per row, each exactly one row wide.
    if (data.length !== nRows) {
      throw bad(`${where}.data has ${data.length} rows but shape[0] is ${nRows}`)
    }
    for (let r = 0; r < nRows; r++) {
      const row = data[r]
      if (!Array.isArray(row))
        throw bad(`${where}.data[${r}] is ${describe(row)}, expected a list of ${nFeatures} numbers`)
      if (row.length !== nFeatures) {
        throw bad(`${where}.data[${r}] has ${row.length} values but shape[1] is ${nFeatures}`)
      }
      for (let k = 0; k < nFeatures; k++) put(row[k], r * nFeatures + k, `[${r}][${k}]`)
    }
    return { rows, nRows }
  }
  if (data.length !== total) {
    throw bad(`${where}.data has ${data.length} values but shape ${quoteValue(input.shape)} needs ${total}`)
  }
  for (let i = 0; i < total; i++) put(data[i], i, `[${i}]`)
  return { rows, nRows }
}
