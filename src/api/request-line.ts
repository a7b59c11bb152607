/**
 * The seed's request log line, in two forms that give the same bytes:
 *   {"level":"INFO","timestamp":"...","request_metrics":{endpoint,method,status_code,latency_ms,request_id,error[,model_version][,client]},"message":"Request completed"}
 * `requestLineText` builds it as a string (any pino destination takes that); `encodeRequestLine` writes it
 * straight into a byte buffer (our buffered stdout, log-writer.ts), with no string per line: constant parts
 * copied from pre-encoded bytes, numbers written digit by digit, JSON strings encoded once and kept. On the
 * prediction path the string form cost ~4 % of one-row req/s (its pieces, the flattening, the garbage):
 * docs/decisions/026-request-line-encoding.md. request-line.test.ts checks the two agree on any input.
 */

export interface RequestMetricsLine {
  endpoint: string
  method: string
  status_code: number
  latency_ms: number
  request_id: string
  error: string | null
  /** The registry version that answered (prediction routes); undefined: not written. */
  model_version?: string | undefined
  /** The authenticated client's name (API key name or token subject; never the credential); undefined: not written. */
  client?: string | undefined
}

/**
 * The line as text. `request_id` needs no escaping (sane ids are [A-Za-z0-9._-], others are replaced by
 * UUIDs) nor does `method` (Node only accepts tokens).
 */
export function requestLineText(line: RequestMetricsLine, failed: boolean): string {
  return `{"level":"${failed ? 'ERROR' : 'INFO'}","timestamp":"${isoNow()}","request_metrics":{"endpoint":${JSON.stringify(line.endpoint)},"method":"${line.method}","status_code":${line.status_code},"latency_ms":${line.latency_ms},"request_id":"${line.request_id}","error":${line.error === null ? 'null' : JSON.stringify(line.error)}${line.model_version === undefined ? '' : `,"model_version":${JSON.stringify(line.model_version)}`}${line.client === undefined ? '' : `,"client":${JSON.stringify(line.client)}`}},"message":"Request completed"}\n`
}

let isoMs = -1
let isoText = ''
/** ISO 8601 time of day to the millisecond, formatted once per millisecond (many lines share one). */
export function isoNow(): string {
  const now = Date.now()
  if (now !== isoMs) {
    isoMs = now
    isoText = new Date(now).toISOString()
  }
  return isoText
}

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1')
const INFO_HEAD = bytes('{"level":"INFO","timestamp":"')
const ERROR_HEAD = bytes('{"level":"ERROR","timestamp":"')
const ENDPOINT = bytes('","request_metrics":{"endpoint":')
const METHOD = bytes(',"method":"')
const STATUS = bytes('","status_code":')
const LATENCY = bytes(',"latency_ms":')
const REQUEST_ID = bytes(',"request_id":"')
const ERROR = bytes('","error":')
const NULL = bytes('null')
const VERSION = bytes(',"model_version":')
const CLIENT = bytes(',"client":')
const TAIL = bytes('},"message":"Request completed"}\n')
/** Every constant part once (the longer of the two heads): what any line writes besides its values. */
const FIXED = [
  ERROR_HEAD,
  ENDPOINT,
  METHOD,
  STATUS,
  LATENCY,
  REQUEST_ID,
  ERROR,
  VERSION,
  CLIENT,
  TAIL,
].reduce((n, b) => n + b.length, 0)

/** A JSON string takes at most 6 bytes per UTF-16 unit (\u00XX), plus its quotes. */
const jsonMax = (s: string | null | undefined): number => (s == null ? 4 : 6 * s.length + 2)

/** The most bytes `encodeRequestLine` can write for this line. */
export function requestLineMaxBytes(line: RequestMetricsLine): number {
  return (
    FIXED +
    32 + // timestamp (24 characters until the year 10000)
    56 + // status code and latency (the longest number String() prints has 24 characters)
    line.method.length +
    line.request_id.length +
    jsonMax(line.endpoint) +
    jsonMax(line.error) +
    jsonMax(line.model_version) +
    jsonMax(line.client)
  )
}

/**
 * Encoded JSON strings of the values that repeat (routes, versions, client names): the first KEPT_MAX short
 * ones seen are kept (routes come first; a flood of odd 404 paths only fills what is left).
 */
const KEPT_MAX = 512
const KEPT_LENGTH = 128
const kept = new Map<string, Buffer>()

function jsonString(buf: Buffer, at: number, s: string): number {
  let b = kept.get(s)
  if (b === undefined) {
    const text = JSON.stringify(s)
    if (kept.size >= KEPT_MAX || s.length > KEPT_LENGTH) return at + buf.write(text, at, 'utf8')
    b = Buffer.from(text, 'utf8')
    kept.set(s, b)
  }
  buf.set(b, at)
  return at + b.length
}

/** A JSON string written once (error texts: each one is different). */
const jsonOnce = (buf: Buffer, at: number, s: string): number => at + buf.write(JSON.stringify(s), at, 'utf8')

/** Printable ASCII with nothing to escape, one byte per character; else -1 (the caller uses the text form). */
function plain(buf: Buffer, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 32 || c > 126 || c === 34 || c === 92) return -1
    buf[at + i] = c
  }
  return at + s.length
}

function digits(buf: Buffer, at: number, n: number): number {
  let end = at + 1
  for (let t = n; t >= 10; t = Math.floor(t / 10)) end++
  for (let i = end - 1; i >= at; i--) {
    buf[i] = 48 + (n % 10)
    n = Math.floor(n / 10)
  }
  return end
}

/** A number as JavaScript prints it: hundredths digit by digit, anything else through String(). */
function number(buf: Buffer, at: number, x: number): number {
  const c = Math.round(x * 100)
  if (!(x >= 0 && x < 1e9 && c / 100 === x)) return at + buf.write(String(x), at, 'latin1')
  const whole = Math.floor(c / 100)
  const frac = c - whole * 100
  at = digits(buf, at, whole)
  if (frac !== 0) {
    buf[at++] = 46 // .
    buf[at++] = 48 + Math.floor(frac / 10)
    if (frac % 10 !== 0) buf[at++] = 48 + (frac % 10)
  }
  return at
}

function put(buf: Buffer, at: number, b: Buffer): number {
  buf.set(b, at)
  return at + b.length
}

/**
 * Write the line into `buf` at `at` (at least requestLineMaxBytes(line) bytes free there). Returns the end,
 * or -1 when a field the text form writes unescaped (method, request id) holds anything but plain ASCII.
 */
export function encodeRequestLine(
  buf: Buffer,
  at: number,
  line: RequestMetricsLine,
  failed: boolean,
): number {
  let o = put(buf, at, failed ? ERROR_HEAD : INFO_HEAD)
  o = plain(buf, o, isoNow())
  o = put(buf, o, ENDPOINT)
  o = jsonString(buf, o, line.endpoint)
  o = put(buf, o, METHOD)
  o = plain(buf, o, line.method)
  if (o < 0) return -1
  o = put(buf, o, STATUS)
  o = number(buf, o, line.status_code)
  o = put(buf, o, LATENCY)
  o = number(buf, o, line.latency_ms)
  o = put(buf, o, REQUEST_ID)
  o = plain(buf, o, line.request_id)
  if (o < 0) return -1
  o = put(buf, o, ERROR)
  o = line.error === null ? put(buf, o, NULL) : jsonOnce(buf, o, line.error)
  if (line.model_version !== undefined) o = jsonString(buf, put(buf, o, VERSION), line.model_version)
  if (line.client !== undefined) o = jsonString(buf, put(buf, o, CLIENT), line.client)
  return put(buf, o, TAIL)
}
