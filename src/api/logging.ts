/**
 * Logs in the seed's format: one JSON line per request on stdout,
 *   {"level":"INFO","timestamp":"...","request_metrics":{endpoint,method,status_code,latency_ms,request_id,error},"message":"Request completed"}
 * 4xx/5xx at error level (as the seed). Measured per request (docs/decisions/011-request-logging.md): pino's
 * default async destination hands every line to the libuv thread pool (~75 us CPU per request); a sync write
 * is a syscall per line; a 64 KiB buffer flushed when full or every LOG_FLUSH_MS is cheapest. The request line
 * is written by hand (./request-line.ts: pino's object serialisation cost more than the prediction), and our
 * stdout encodes it straight into that buffer (docs/decisions/026-request-line-encoding.md); other logs use pino.
 */
import pino, { type DestinationStream, type Logger } from 'pino'
import { LogWriter } from './log-writer.js'
import {
  encodeRequestLine,
  isoNow,
  type RequestMetricsLine,
  requestLineMaxBytes,
  requestLineText,
} from './request-line.js'

export type { Logger } from 'pino'

export const SERVICE_NAME = 'iris-prediction-api'

/** Longest a buffered log line waits before it is written. */
export const LOG_FLUSH_MS = 100

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
    requestLine(line: RequestMetricsLine, failed: boolean) {
      if (!writer.encode(requestLineMaxBytes(line), failed ? encodeError : encodeInfo, line)) {
        writer.write(requestLineText(line, failed))
      }
      if (failed) writer.flush()
    },
    flush: (cb?: (err?: Error) => void) => writer.flush(cb),
    flushSync: () => writer.flushSync(),
  } as RequestLineSink
}

const encodeInfo = (buf: Buffer, at: number, line: RequestMetricsLine) =>
  encodeRequestLine(buf, at, line, false)
const encodeError = (buf: Buffer, at: number, line: RequestMetricsLine) =>
  encodeRequestLine(buf, at, line, true)

/** A destination that takes request lines as they are, to encode them itself (bufferedStdout). */
interface RequestLineSink extends DestinationStream {
  requestLine(line: RequestMetricsLine, failed: boolean): void
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

const INFO = 30
const ERROR = 50

/**
 * The seed's request line (request-line.ts), the same JSON pino would write: encoded straight into the
 * buffer of our stdout destination, or as text for any other destination. `err` (unexpected 5xx only) adds
 * the cause and stack to the same line through pino's err serialiser.
 */
export function logRequest(logger: Logger, line: RequestMetricsLine, err?: unknown): void {
  const failed = line.status_code >= 400
  if (logger.levelVal > (failed ? ERROR : INFO)) return
  if (err !== undefined) {
    logger.error({ request_metrics: line, err }, 'Request completed')
    return
  }
  const stream = (logger as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym] as
    | DestinationStream
    | RequestLineSink
  if ('requestLine' in stream) stream.requestLine(line, failed)
  else stream.write(requestLineText(line, failed))
}
