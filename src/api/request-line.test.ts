import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  encodeRequestLine,
  type RequestMetricsLine,
  requestLineMaxBytes,
  requestLineText,
} from './request-line.js'

/** The bytes `encodeRequestLine` writes, or null when it declines (-1). Fills around them to catch overruns. */
function encoded(
  line: RequestMetricsLine,
  failed: boolean,
): { text: string | null; max: number; used: number } {
  const max = requestLineMaxBytes(line)
  const buf = Buffer.alloc(max + 16, 0xee)
  const end = encodeRequestLine(buf, 8, line, failed)
  if (end < 0) return { text: null, max, used: -1 }
  expect(buf.subarray(0, 8).every((b) => b === 0xee)).toBe(true)
  expect(buf.subarray(end).every((b) => b === 0xee)).toBe(true)
  return { text: buf.subarray(8, end).toString('utf8'), max, used: end - 8 }
}

/** The text form's timestamp can differ by a millisecond from the encoder's: compare without it. */
const untimed = (s: string) => s.replace(/"timestamp":"[^"]*"/, '"timestamp":""')

const base: RequestMetricsLine = {
  endpoint: '/predict',
  method: 'POST',
  status_code: 200,
  latency_ms: 1.23,
  request_id: 'a95544e3-324f-4018-b619-1a56a761e3f6',
  error: null,
}

describe('encodeRequestLine', () => {
  it('writes the same bytes as the text form: a plain prediction line', () => {
    for (const line of [
      base,
      { ...base, model_version: '3', client: 'batch-team' },
      { ...base, status_code: 422, error: 'input is required', latency_ms: 0 },
      { ...base, latency_ms: 0.05 },
      { ...base, latency_ms: 10.5 },
      { ...base, latency_ms: 123456.78 },
    ]) {
      const failed = line.status_code >= 400
      const { text } = encoded(line, failed)
      expect(untimed(text as string)).toBe(untimed(requestLineText(line, failed)))
      expect(JSON.parse(text as string)).toMatchObject({
        level: failed ? 'ERROR' : 'INFO',
        request_metrics: line,
        message: 'Request completed',
      })
    }
  })

  it('escapes endpoints, errors, versions and client names as JSON.stringify does', () => {
    const nasty = 'got "string"\n\u2028\\ \u0000 é 😀'
    const line = {
      ...base,
      endpoint: '/x"y\\z\u0001',
      error: nasty,
      model_version: 'v"1',
      client: 'ünï\tcode',
    }
    const { text } = encoded(line, true)
    expect(untimed(text as string)).toBe(untimed(requestLineText(line, true)))
    expect(JSON.parse(text as string).request_metrics).toEqual(line)
  })

  it('prints latencies as JavaScript does, whatever the number', () => {
    for (const latency_ms of [0, -0, 0.01, 0.1, 0.29, 1, 99.99, 1e9, 1e21, 1.005, 1 / 3, -1, Number.NaN]) {
      const line = { ...base, latency_ms }
      expect(untimed(encoded(line, false).text as string)).toBe(untimed(requestLineText(line, false)))
    }
  })

  it('declines ids and methods the text form would write unescaped, leaving the caller to use text', () => {
    expect(encoded({ ...base, request_id: 'bad"id' }, false).text).toBeNull()
    expect(encoded({ ...base, request_id: 'ïd' }, false).text).toBeNull()
    expect(encoded({ ...base, method: 'P\nOST' }, false).text).toBeNull()
  })

  it('agrees with the text form and stays within its bound on any line (property)', () => {
    const line = fc.record({
      endpoint: fc.string({ unit: 'binary', maxLength: 300 }),
      method: fc.constantFrom('GET', 'POST', 'HEAD', 'DELETE'),
      status_code: fc.integer({ min: 100, max: 599 }),
      latency_ms: fc.oneof(
        fc.integer({ min: 0, max: 10_000_000 }).map((c) => Math.round(c) / 100),
        fc.double({ noNaN: false }),
      ),
      request_id: fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9._-]{1,128}$/)),
      error: fc.option(fc.string({ unit: 'binary', maxLength: 200 })),
      model_version: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
      client: fc.option(fc.string({ unit: 'binary', maxLength: 100 }), { nil: undefined }),
    })
    fc.assert(
      fc.property(line, fc.boolean(), (l, failed) => {
        const { text, max, used } = encoded(l, failed)
        expect(text).not.toBeNull()
        expect(used).toBeLessThanOrEqual(max)
        expect(untimed(text as string)).toBe(untimed(requestLineText(l, failed)))
      }),
      { numRuns: 2000 },
    )
  })
})
