/**
 * Logs in the seed's format: one JSON line per request on stdout,
 *   {"level":"INFO","timestamp":"...","request_metrics":{endpoint,method,status_code,latency_ms,request_id,error},"message":"Request completed"}
 * 4xx/5xx at error level (as the seed). Measured per request (docs/decisions/003-request-logging.md): pino's
 * default async destination hands every line to the libuv thread pool (~75 us CPU per request); a sync write
 * is a syscall per line; a 4 KiB buffer flushed when full or every LOG_FLUSH_MS is cheapest. The request line
 * itself is written by hand (pino's object serialisation cost more than the prediction); other logs use pino.
 */
import pino, { type DestinationStream, type Logger } from 'pino'

export type { Logger } from 'pino'

export const SERVICE_NAME = 'iris-prediction-api'

/** Longest a buffered log line waits before it is written. */
export const LOG_FLUSH_MS = 100

const isoTimestamp = () => `,"timestamp":"${new Date().toISOString()}"`

/**
 * stdout through a 4 KiB buffer, written when full, every LOG_FLUSH_MS, at once for WARN/ERROR/FATAL lines
 * (rare and wanted promptly) and at exit (flushLogs).
 */
export function bufferedStdout(): DestinationStream {
  // maxLength: past 16 MiB unwritten (stdout blocked) lines are dropped rather than growing the heap.
  const dest = pino.destination({ dest: 1, sync: false, minLength: 4096, maxLength: 16 * 1024 * 1024 })
  const flush = () => {
    try {
      dest.flush()
    } catch {
      // closed: nothing to do
    }
  }
  setInterval(flush, LOG_FLUSH_MS).unref()
  return {
    write(line: string) {
      dest.write(line)
      // Lines start with {"level":"<LEVEL>": character 10 is the level's initial (our formatter puts it first).
      const c = line.charCodeAt(10)
      if (c === 69 || c === 87 || c === 70) flush() // E, W, F
    },
    flush: (cb?: (err?: Error) => void) => dest.flush(cb),
    flushSync: () => dest.flushSync(),
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
    `{"level":"${failed ? 'ERROR' : 'INFO'}","timestamp":"${new Date().toISOString()}","request_metrics":{"endpoint":${JSON.stringify(line.endpoint)},"method":"${line.method}","status_code":${line.status_code},"latency_ms":${line.latency_ms},"request_id":"${line.request_id}","error":${line.error === null ? 'null' : JSON.stringify(line.error)}},"message":"Request completed"}\n`,
  )
}
