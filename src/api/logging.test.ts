import { describe, expect, it } from 'vitest'
import { createLogger, logRequest, type RequestMetricsLine } from './logging.js'

function capture(level = 'info') {
  const lines: string[] = []
  return { lines, logger: createLogger(level, { write: (l: string) => void lines.push(l) }) }
}

const line = (over: Partial<RequestMetricsLine> = {}): RequestMetricsLine => ({
  endpoint: '/predict',
  method: 'POST',
  status_code: 200,
  latency_ms: 1.23,
  request_id: 'abc-1',
  error: null,
  ...over,
})

describe('logRequest', () => {
  it('writes the same JSON as pino would, in the seed format', () => {
    const { lines, logger } = capture()
    logRequest(logger, line())
    logger.info({ request_metrics: line() }, 'Request completed')
    const [hand, viaPino] = lines.map((l) => JSON.parse(l))
    expect(Object.keys(hand)).toEqual(Object.keys(viaPino))
    expect({ ...hand, timestamp: 0 }).toEqual({ ...viaPino, timestamp: 0 })
    expect(hand).toMatchObject({ level: 'INFO', message: 'Request completed', request_metrics: line() })
    expect(lines[0]?.endsWith('\n')).toBe(true)
  })

  it('escapes what needs escaping and logs 4xx at ERROR', () => {
    const { lines, logger } = capture()
    const nasty = 'input[0][0] must be a number, got "string"\n\u2028\\ \u0000'
    logRequest(logger, line({ endpoint: '/x"y\\z', status_code: 415, error: nasty }))
    const parsed = JSON.parse(lines[0] as string)
    expect(parsed.level).toBe('ERROR')
    expect(parsed.request_metrics.error).toBe(nasty)
    expect(parsed.request_metrics.endpoint).toBe('/x"y\\z')
  })

  it('adds the error and stack for unexpected faults', () => {
    const { lines, logger } = capture()
    logRequest(logger, line({ status_code: 500, error: 'Error: boom' }), new Error('boom'))
    const parsed = JSON.parse(lines[0] as string)
    expect(parsed.err.message).toBe('boom')
    expect(parsed.err.stack).toContain('Error: boom')
  })

  it('honours the level', () => {
    const { lines, logger } = capture('error')
    logRequest(logger, line())
    expect(lines).toHaveLength(0)
    logRequest(logger, line({ status_code: 404, error: 'no route' }))
    expect(lines).toHaveLength(1)
    const silent = capture('silent')
    logRequest(silent.logger, line({ status_code: 500, error: 'x' }))
    expect(silent.lines).toHaveLength(0)
  })
})
