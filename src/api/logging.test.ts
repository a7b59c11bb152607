import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bufferedStdout, createLogger, logRequest } from './logging.js'
import { type RequestMetricsLine, requestLineText } from './request-line.js'

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

describe('bufferedStdout request lines', () => {
  it('encodes request lines into its buffer, byte for byte what the text form writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iris-log-'))
    const file = join(dir, 'out.log')
    const fd = openSync(file, 'w')
    const stream = bufferedStdout(fd) as ReturnType<typeof bufferedStdout> & {
      flush(cb: () => void): void
    }
    const logger = createLogger('info', stream)
    const lines = [
      line(),
      line({ model_version: '7', client: 'batch-team', latency_ms: 0.5 }),
      line({ status_code: 429, error: 'rate limit exceeded: "x"\n', endpoint: '/predict-proba' }),
      // Longer than a quarter of the buffer: written as text.
      line({ status_code: 400, error: 'é'.repeat(5000) }),
      // An id the encoder declines: written as text.
      line({ request_id: 'not"sane' }),
    ]
    for (const l of lines) logRequest(logger, l)
    await new Promise<void>((done) => stream.flush(() => done()))
    closeSync(fd)
    const written = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
    expect(written).toHaveLength(lines.length)
    written.forEach((w, i) => {
      const l = lines[i] as RequestMetricsLine
      const untimed = (s: string) => s.replace(/"timestamp":"[^"]*"/, '')
      expect(untimed(`${w}\n`)).toBe(untimed(requestLineText(l, l.status_code >= 400)))
    })
  })
})
