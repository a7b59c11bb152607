/**
 * Logs in the seed's format: one JSON line per request on stdout,
 *   {"level":"INFO","timestamp":"...","request_metrics":{endpoint,method,status_code,latency_ms,request_id,error},"message":"Request completed"}
 * 4xx/5xx at error level (as the seed). Measured per request (docs/decisions/011-request-logging.md): pino's
 * default async destination hands every line to the libuv thread pool (~75 us CPU per request); a sync write
 * is a syscall per line; a 64 KiB buffer flushed when full or every LOG_FLUSH_MS is cheapest. The request line
 * itself is written by hand (pino's object serialisation cost more than the prediction); other logs use pino.
 */
import pino, { type DestinationStream, type Logger } from 'pino'
import { LogWriter } from './log-writer.js'

export type { Logger } from 'pino'

export const SERVICE_NAME = 'iris-prediction-api'

/** Longest a buffered log line waits before it is written. */
export const LOG_FLUSH_MS = 100

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

const isoTimestamp = () => `,"timestamp":"${isoNow()}"`

/**
 * stdout through LogWriter (src/api/log-writer.ts): lines are written when its 64 KiB buffer fills, every
 * LOG_FLUSH_MS, at once for WARN/ERROR/FATAL lines (rare and wanted promptly) and at exit (flushLogs).
 */
export function bufferedStdout(fd = 1): DestinationStream {
  const writer = new LogWriter({ fd, flushMs: LOG_FLUSH_MS })
  return {
    write(line: string) {
      writer.write(line)
      // Lines start with {"level":"<LEVEL>": character 10 is the level's initial (our formatter puts it first).
      const c = line.charCodeAt(10)
      if (c === 69 || c === 87 || c === 70) writer.flush() // E, W, F
    },
    flush: (cb?: (err?: Error) => void) => writer.flush(cb),
    flushSync: () => writer.flushSync(),
  } as DestinationStream
}

/** The app's logger. `destination` defaults to buffered stdout (tests pass their own). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: null,
      messageKey: 'message',
      timestamp: isoTimestamp,
      formatters: { level: (label) => ({ level: label.toUpperCase() }) },
      serializers: { err: pino.stdSerializers.err },
    },
    destination ?? bufferedStdout(),
  )
}

/** Write out anything buffered (before exit). */
export function flushLogs(logger: Logger): void {
  try {
    logger.flush()
  } catch {
    // nothing buffered or stream already closed
  }
}

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

const INFO = 30
const ERROR = 50

/**
 * The seed's request line, the same JSON pino would write, built by hand. `request_id` needs no escaping
 * (sane ids are [A-Za-z0-9._-], others are replaced by UUIDs) nor does `method` (Node only accepts tokens).
 * `err` (unexpected 5xx only) adds the cause and stack to the same line through pino's err serialiser.
 */
export function logRequest(logger: Logger, line: RequestMetricsLine, err?: unknown): void {
  const failed = line.status_code >= 400
  if (logger.levelVal > (failed ? ERROR : INFO)) return
  if (err !== undefined) {
    logger.error({ request_metrics: line, err }, 'Request completed')
    return
  }
  const stream = (logger as unknown as Record<symbol, DestinationStream>)[
    pino.symbols.streamSym
  ] as DestinationStream
  stream.write(
    `{"level":"${failed ? 'ERROR' : 'INFO'}","timestamp":"${isoNow()}","request_metrics":{"endpoint":${JSON.stringify(line.endpoint)},"method":"${line.method}","status_code":${line.status_code},"latency_ms":${line.latency_ms},"request_id":"${line.request_id}","error":${line.error === null ? 'null' : JSON.stringify(line.error)}${line.model_version === undefined ? '' : `,"model_version":${JSON.stringify(line.model_version)}`}${line.client === undefined ? '' : `,"client":${JSON.stringify(line.client)}`}},"message":"Request completed"}\n`,
  )
}
