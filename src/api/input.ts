/**
 * The prediction input contract, checked by hand in one pass that also copies the values into a single
 * row-major Float64Array (no per-row arrays, no second walk). A schema validator cannot give the seed's
 * status codes (415 for a non-number, 422 for a wrong row length...) or messages that point at
 * `input[3][1]`, and this loop is several times faster. Reused by every route that takes `{"input": rows}`.
 *
 * Order of checks, first fault wins: body is a JSON object (400) -> `input` present (422) -> `input` is a
 * list (400) -> not empty (422) -> at most maxRows rows (413) -> per row, in order: a list (400), with
 * exactly nFeatures values (422), each a number (415) and finite (422).
 */
import { InputError } from './errors.js'

export interface ParsedRows {
  /** nRows * nFeatures values, row-major. */
  rows: Float64Array
  nRows: number
}

/** The request body as JSON (whatever its Content-Type, as the seed's get_json(force=True)), or a 400. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new InputError(400, `the body is not valid JSON: ${(e as Error).message}`)
  }
}

/** JSON type names as a client would say them. */
export function jsonTypeOf(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'list'
  if (typeof v === 'object') return 'object'
  return typeof v
}

function describeNumber(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity (out of range)' : '-Infinity (out of range)'
}

/** Validate `{"input": [[...], ...]}` and copy it out, or throw InputError naming the fault and where. */
export function parsePredictInput(body: unknown, nFeatures: number, maxRows: number): ParsedRows {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InputError(
      400,
      `the body must be a JSON object like {"input": [[...]]}, got ${jsonTypeOf(body)}`,
    )
  }
  const input = (body as { input?: unknown }).input
  if (input === undefined) throw new InputError(422, 'input is required: {"input": [[...], ...]}')
  if (!Array.isArray(input))
    throw new InputError(400, `input must be a list of rows, got ${jsonTypeOf(input)}`)
  const nRows = input.length
  if (nRows === 0) throw new InputError(422, 'input must contain at least one row')
  if (nRows > maxRows) {
    throw new InputError(
      413,
      `input has ${nRows} rows; at most ${maxRows} are accepted per request (MAX_BATCH_ROWS)`,
    )
  }
  const rows = new Float64Array(nRows * nFeatures)
  let k = 0
  for (let i = 0; i < nRows; i++) {
    const row = input[i]
    if (!Array.isArray(row))
      throw new InputError(400, `input[${i}] must be a list of ${nFeatures} numbers, got ${jsonTypeOf(row)}`)
    if (row.length !== nFeatures) {
      throw new InputError(422, `input[${i}] has ${row.length} values; the model expects ${nFeatures}`)
    }
    for (let j = 0; j < nFeatures; j++) {
      const v = row[j]
      if (typeof v !== 'number')
        throw new InputError(415, `input[${i}][${j}] must be a number, got ${jsonTypeOf(v)}`)
      // v - v is 0 for finite numbers, NaN for +-Infinity and NaN (JSON 1e400 parses to Infinity).
      if (v - v !== 0)
        throw new InputError(422, `input[${i}][${j}] must be a finite number, got ${describeNumber(v)}`)
      rows[k++] = v
    }
  }
  return { rows, nRows }
}
