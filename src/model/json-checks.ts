/**
 * Small typed readers for untrusted JSON. Each failure throws a Fault carrying a path such as
 * `trees[3].threshold[7]`, which the caller turns into a ModelLoadError naming the file.
 */
export class Fault extends Error {}

export type JsonObject = Record<string, unknown>

export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)
  if (typeof value === 'object') return 'an object'
  return String(value)
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function field(obj: JsonObject, key: string, path: string): unknown {
  if (!(key in obj)) throw new Fault(`missing field "${path}${key}"`)
  return obj[key]
}

export function objectAt(obj: JsonObject, key: string, path = ''): JsonObject {
  const v = field(obj, key, path)
  if (!isObject(v)) throw new Fault(`${path}${key} is ${describe(v)}, expected an object`)
  return v
}

export function stringAt(obj: JsonObject, key: string, path = ''): string {
  const v = field(obj, key, path)
  if (typeof v !== 'string') throw new Fault(`${path}${key} is ${describe(v)}, expected a string`)
  return v
}

export function intAt(obj: JsonObject, key: string, path = '', min = 0): number {
  const v = field(obj, key, path)
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new Fault(`${path}${key} is ${describe(v)}, expected an integer`)
  if (v < min) throw new Fault(`${path}${key} = ${v} must be at least ${min}`)
  return v
}

export function arrayAt(obj: JsonObject, key: string, path = ''): unknown[] {
  const v = field(obj, key, path)
  if (!Array.isArray(v)) throw new Fault(`${path}${key} is ${describe(v)}, expected an array`)
  return v
}

/** A list of distinct non-empty strings (class or feature names). */
export function uniqueStringsAt(obj: JsonObject, key: string, path = ''): string[] {
  const list = arrayAt(obj, key, path)
  const seen = new Map<string, number>()
  list.forEach((v, i) => {
    if (typeof v !== 'string' || v === '')
      throw new Fault(`${path}${key}[${i}] is ${describe(v)}, expected a non-empty string`)
    const first = seen.get(v)
    if (first !== undefined)
      throw new Fault(`${path}${key}[${i}] = ${describe(v)} duplicates ${path}${key}[${first}]`)
    seen.set(v, i)
  })
  return list as string[]
}

/** A numeric array of an exact length: integers into an Int32Array, or finite floats into a Float64Array. */
export function numbersAt(
  obj: JsonObject,
  key: string,
  path: string,
  length: number,
  lengthName: string,
  kind: 'int' | 'float',
): Int32Array | Float64Array {
  const list = arrayAt(obj, key, path)
  if (list.length !== length) {
    throw new Fault(`${path}${key} has ${list.length} entries, expected ${lengthName} = ${length}`)
  }
  const out = kind === 'int' ? new Int32Array(length) : new Float64Array(length)
  for (let i = 0; i < length; i++) {
    const v = list[i]
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new Fault(`${path}${key}[${i}] = ${describe(v)} is not a finite number`)
    }
    if (kind === 'int' && (!Number.isInteger(v) || v < -2147483648 || v > 2147483647)) {
      throw new Fault(`${path}${key}[${i}] = ${v} is not a 32-bit integer`)
    }
    out[i] = v
  }
  return out
}

/** Parses JSON text; a syntax error becomes a Fault with the line and column when the engine reports a position. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    const message = (err as Error).message
    const at = /at position (\d+)/.exec(message)
    if (at) {
      const pos = Number(at[1])
      const before = text.slice(0, pos)
      const line = before.split('\n').length
      const column = pos - before.lastIndexOf('\n')
      const end = pos >= text.length ? ' (the file ends there: truncated?)' : ''
      throw new Fault(
        `not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column} (offset ${pos})${end}`,
      )
    }
    if (/end of JSON input/.test(message))
      throw new Fault(`not valid JSON: unexpected end of input after ${text.length} characters (truncated?)`)
    throw new Fault(`not valid JSON: ${message}`)
  }
}
