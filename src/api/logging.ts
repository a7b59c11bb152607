/**
 * Logs in the seed's format: one JSON line per request on stdout,
 *   {"level":"INFO","timestamp":"...","request_metrics":{endpoint,method,status_code,latency_ms,request_id,error},"message":"Request completed"}
 * 4xx/5xx at error level (as the seed). pino writes through an asynchronous SonicBoom destination: it was
 * the cheapest of the destinations measured (see docs/decisions/003-request-logging.md); flushLogs() runs at exit.
 */
import pino, { type DestinationStream, type Logger } from 'pino'

export type { Logger } from 'pino'

export const SERVICE_NAME = 'iris-prediction-api'

const isoTimestamp = () => `,"timestamp":"${new Date().toISOString()}"`

/** The app's logger. `destination` defaults to an async stdout stream (tests pass their own). */
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
    destination ?? pino.destination({ dest: 1, sync: false }),
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

/** The seed's request line. `err` (5xx only) adds the cause and stack to the same line. */
export function logRequest(logger: Logger, line: RequestMetricsLine, err?: unknown): void {
  if (line.status_code >= 400) {
    if (err !== undefined) logger.error({ request_metrics: line, err }, 'Request completed')
    else logger.error({ request_metrics: line }, 'Request completed')
  } else {
    logger.info({ request_metrics: line }, 'Request completed')
  }
}
