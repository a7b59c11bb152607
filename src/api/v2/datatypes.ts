/**
 * The Open Inference Protocol's tensor datatypes, and which of them can carry our numeric features.
 * Each element of an input tensor is checked against its declared datatype: a client that says INT8
 * and sends 300 or 1.5 has a bug we should name, not silently round.
 */
import { quoteString } from '../client-text.js'
import { HttpError } from '../errors.js'

export const V2_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const
export type V2Datatype = (typeof V2_DATATYPES)[number]

/** Converts one JSON element to the float64 the model reads, or returns a reason it is not valid. */
export type ElementReader = (value: number) => number | string

const integer =
  (min: number, max: number, name: string): ElementReader =>
  (value) =>
    !Number.isInteger(value)
      ? `is not an integer (${name})`
      : value < min || value > max
        ? `is out of range for ${name} [${min}, ${max}]`
        : value

// INT64/UINT64 upper bounds are 2^63 - 1 and 2^64 - 1 rounded to the nearest double: JSON numbers are
// doubles, so a client's int64 already arrives rounded.
const READERS: Partial<Record<V2Datatype, ElementReader>> = {
  // JSON 1e400 parses to Infinity: refuse it here rather than fail inside the model.
  FP64: (value) => (Number.isFinite(value) ? value : 'is outside the FP64 range'),
  // The client says float32: round as it would have, so the model sees the value that was meant.
  FP32: (value) => {
    const single = Math.fround(value)
    return Number.isFinite(single) ? single : 'is outside the FP32 range'
  },
  INT8: integer(-128, 127, 'INT8'),
  INT16: integer(-32768, 32767, 'INT16'),
  INT32: integer(-2147483648, 2147483647, 'INT32'),
  INT64: integer(-(2 ** 63), 2 ** 63, 'INT64'),
  UINT8: integer(0, 255, 'UINT8'),
  UINT16: integer(0, 65535, 'UINT16'),
  UINT32: integer(0, 4294967295, 'UINT32'),
  UINT64: integer(0, 2 ** 64, 'UINT64'),
}

/** The numeric datatypes an input tensor may use, in the order listed in errors. */
export const NUMERIC_INPUT_DATATYPES = Object.keys(READERS) as V2Datatype[]

/** The reader for an input datatype; 400 for BOOL, BYTES, FP16 and unknown names. */
export function readerFor(datatype: string, where: string): ElementReader {
  const reader = READERS[datatype as V2Datatype]
  if (reader) return reader
  const known = (V2_DATATYPES as readonly string[]).includes(datatype)
  throw new HttpError(
    400,
    `${where}.datatype ${quoteString(datatype)} ${known ? 'is not supported for model inputs' : 'is not a tensor datatype'} (use one of ${NUMERIC_INPUT_DATATYPES.join(', ')})`,
  )
}
