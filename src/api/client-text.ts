/**
 * Client text quoted back in an error message or a log line, cut to ~100 characters: a hostile 800 KB
 * string, tensor shape or URL must not come back as an 800 KB reply and an 800 KB log line. Values are
 * described without recursion (a 20,000-level nested list is described from its first level only), so no
 * client value can overflow the stack here. The one helper for this: every message that quotes what the
 * client sent goes through `quoteValue` (a JSON value) or `clipText` (a string such as a path).
 */

/** How many characters of client text an error or log line quotes. */
export const CLIENT_TEXT_MAX = 100
/** The cap on a whole error message (ours quote at most a few clipped values; others' may quote more). */
export const ERROR_MESSAGE_MAX = 1000

const ELLIPSIS = '...'

/** `text` cut to `max` characters, with "..." when it was longer. */
export function clipText(text: string, max = CLIENT_TEXT_MAX): string {
  return text.length > max ? `${text.slice(0, max)}${ELLIPSIS}` : text
}

/** A string as a JSON literal, cut to `max` characters of the original. */
export function quoteString(text: string, max = CLIENT_TEXT_MAX): string {
  return text.length > max
    ? `${JSON.stringify(text.slice(0, max)).slice(0, -1)}${ELLIPSIS}"`
    : JSON.stringify(text)
}

/** One value of a list, one level deep: scalars as JSON, containers as `[...]` / `{...}`. */
function scalarText(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[${ELLIPSIS}]`
  switch (typeof value) {
    case 'string':
      return quoteString(value, 20)
    case 'number':
    case 'boolean':
      return String(value)
    case 'object':
      return `{${ELLIPSIS}}`
    default:
      return typeof value
  }
}

/**
 * A JSON value as it would read in the request, at most ~`max` characters and never recursive: a list shows
 * its first elements (nested lists and objects as `[...]` / `{...}`), an object is `{...}`.
 */
export function quoteValue(value: unknown, max = CLIENT_TEXT_MAX): string {
  if (typeof value === 'string') return quoteString(value, max)
  if (!Array.isArray(value)) return scalarText(value)
  let s = '['
  for (let i = 0; i < value.length; i++) {
    const next = `${i === 0 ? '' : ','}${scalarText(value[i])}`
    if (s.length + next.length > max) return `${s}${i === 0 ? '' : ','}${ELLIPSIS}] (${value.length} items)`
    s += next
  }
  return `${s}]`
}

/** A short description of a JSON value for "X is <description>, expected Y" messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'string') return quoteString(value, 20)
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${String(value)}`
}
