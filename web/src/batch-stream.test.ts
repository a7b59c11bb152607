import { afterEach, describe, expect, it } from 'vitest'
import { createRecordSplitter, splitCells } from './batch-lines.js'
import { type AnsweredRow, type StreamOptions, streamPredictions } from './batch-stream.js'
import { setApiKey } from './credentials.js'

/**
 * A stand-in for POST /predict-proba with a text/csv body, by docs/streaming.md: an optional header (a
 * first record with no number), per row the record as received + prediction (a below 5, b from 5) +
 * proba_a, proba_b; a cell "oops" is a bad line: a 400 before any row of the request, else an error record.
 */
function fakeApi(options: { failOn?: number; contentType?: string } = {}) {
  const bodies: string[] = []
  const answers: string[] = []
  const headers: Headers[] = []
  const fetch = async (_url: RequestInfo | URL, init?: RequestInit) => {
    if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError')
    const text = String(init?.body)
    bodies.push(text)
    headers.push(new Headers(init?.headers))
    if (options.failOn === bodies.length) throw new TypeError('network error')
    const lines: number[] = []
    const records = createRecordSplitter().push(text, lines)
    const first = splitCells(records[0]!).cells
    const hasHeader = first.every((c) => Number.isNaN(Number(c)))
    const header = hasHeader ? first : ['f1', 'f2']
    let out = `${header.join(',')},prediction,proba_a,proba_b\n`
    let rows = 0
    for (const [i, record] of records.entries()) {
      if (hasHeader && i === 0) continue
      const cells = splitCells(record).cells
      const bad = cells.indexOf('oops')
      if (bad >= 0) {
        const message = 'non-numeric value "oops"'
        const where = `line ${lines[i]}, column ${bad + 1}`
        if (rows === 0) {
          answers.push(JSON.stringify({ error: `${where}: ${message}` }))
          return new Response(answers.at(-1), {
            status: 400,
            headers: { 'content-type': 'application/json' },
          })
        }
        out += `#error,${lines[i]},${bad + 1},${rows},"${message.replaceAll('"', '""')}"\n`
        break
      }
      out += Number(cells[0]) < 5 ? `${record},a,1,0\n` : `${record},b,0,1\n`
      rows++
    }
    answers.push(out)
    return new Response(out, {
      headers: { 'content-type': options.contentType ?? 'text/csv; charset=utf-8' },
    })
  }
  return { fetch: fetch as typeof globalThis.fetch, bodies, answers, headers }
}

/** `n` rows "<x>,<id>,<label>": x cycles 0..9, the label is right for x < 8. */
function file(n: number, edit: (row: string, i: number) => string = (r) => r): string {
  const rows = ['x,id,species']
  for (let i = 1; i <= n; i++) rows.push(edit(`${i % 10},${i},${i % 10 < 5 || i % 10 >= 8 ? 'a' : 'b'}`, i))
  return `${rows.join('\n')}\n`
}

async function run(text: string, api: ReturnType<typeof fakeApi>, extra: Partial<StreamOptions> = {}) {
  const rows: AnsweredRow[] = []
  const result = await streamPredictions({
    file: new Blob([text]),
    fetch: api.fetch,
    bodyBytes: 200,
    keepRows: 3,
    onRows: (r) => rows.push(...r),
    ...extra,
  })
  return { ...result, rows }
}

describe('streamPredictions', () => {
  it('sends the file in small bodies, each with the header, and joins the answers in order', async () => {
    const api = fakeApi()
    const result = await run(file(1000), api)
    expect(result.end).toEqual({ kind: 'done' })
    expect(api.bodies.length).toBeGreaterThan(30)
    for (const body of api.bodies) expect(body.startsWith('x,id,species\n')).toBe(true)
    const lines = (await result.blob.text()).trimEnd().split('\n')
    expect(lines[0]).toBe('x,id,species,prediction,proba_a,proba_b')
    expect(lines.slice(1).map((l) => Number(l.split(',')[1]))).toEqual(
      Array.from({ length: 1000 }, (_, i) => i + 1),
    )
    expect(result.snapshot).toMatchObject({ rows: 1000, labelled: 1000, correct: 800, fraction: 1 })
    expect(result.rows.map((r) => [r.n, r.cells[1]])).toEqual([
      [1, '1'],
      [2, '2'],
      [3, '3'],
    ])
  })

  it('measures progress as the input bytes echoed back, against the file size', async () => {
    const text = file(100)
    const seen: number[] = []
    await run(text, fakeApi(), { onProgress: (s) => seen.push(s.bytes) })
    expect(seen.at(-1)).toBe(text.length)
    expect(seen).toEqual([...seen].sort((a, b) => a - b))
  })

  it('sends a file without a header as it is', async () => {
    const api = fakeApi()
    const result = await run('1,2\n6,7\n', api)
    expect(api.bodies).toEqual(['1,2\n6,7\n'])
    expect(await result.blob.text()).toBe('f1,f2,prediction,proba_a,proba_b\n1,2,a,1,0\n6,7,b,0,1\n')
  })

  it('ends at an error record with the line in the file, the rows before it, a download without it', async () => {
    // Blank lines and CRLF make the file's lines differ from the request's.
    const text = file(500, (row, i) =>
      i === 300 ? row.replace(/^\d/, 'oops') : i % 50 === 0 ? `${row}\r\n` : row,
    )
    const api = fakeApi()
    const result = await run(text, api)
    expect(api.answers.some((a) => a.includes('#error,'))).toBe(true)
    const line = text.split(/\r\n|\n/).findIndex((l) => l.startsWith('oops')) + 1
    expect(result.end).toEqual({
      kind: 'stopped',
      fault: { line, column: 1, rows: 299, message: 'non-numeric value "oops"' },
    })
    const lines = (await result.blob.text()).trimEnd().split('\n')
    expect(lines).toHaveLength(300)
    expect(lines.at(-1)).toMatch(/^9,299,/)
  })

  it('maps a 400 for the first row of a later request to a stop at that line of the file', async () => {
    // The row that starts the second body.
    const probe = fakeApi()
    await run(file(30), probe)
    const n = Number(probe.bodies[1]!.split('\n')[1]!.split(',')[1])
    expect(n).toBeGreaterThan(1)
    const api = fakeApi()
    const result = await run(
      file(30, (row, i) => (i === n ? row.replace(/^\d/, 'oops') : row)),
      api,
    )
    expect(api.answers.some((a) => a.startsWith('{"error"'))).toBe(true)
    expect(result.end).toEqual({
      kind: 'stopped',
      fault: { line: n + 1, column: 1, rows: n - 1, message: 'non-numeric value "oops"' },
    })
  })

  it("gives the API's 400 for a bad first row, with nothing to download", async () => {
    const result = await run(
      file(5, (row, i) => (i === 1 ? row.replace(/^\d/, 'oops') : row)),
      fakeApi(),
    )
    expect(result.end).toEqual({
      kind: 'refused',
      status: 400,
      message: 'line 2, column 1: non-numeric value "oops"',
    })
    expect(result.snapshot.rows).toBe(0)
  })

  it('keeps the rows answered before a broken connection', async () => {
    const result = await run(file(1000), fakeApi({ failOn: 3 }))
    expect(result.end).toMatchObject({ kind: 'broken' })
    expect(result.end).toHaveProperty(
      'message',
      expect.stringMatching(/^The connection to the API broke after \d+ rows\.$/),
    )
    expect(result.snapshot.rows).toBeGreaterThan(0)
    expect((await result.blob.text()).trimEnd().split('\n')).toHaveLength(result.snapshot.rows + 1)
  })

  it('stops when cancelled, sending no more of the file', async () => {
    const controller = new AbortController()
    const api = fakeApi()
    const result = await run(file(1000), api, { signal: controller.signal, onRows: () => controller.abort() })
    expect(result.end).toEqual({ kind: 'cancelled' })
    expect(api.bodies.length).toBeLessThan(5)
    expect(result.snapshot.rows).toBeLessThan(1000)
  })

  it('refuses an answer that is not the streamed CSV', async () => {
    const result = await run(file(5), fakeApi({ contentType: 'application/json' }))
    expect(result.end).toEqual({ kind: 'broken', message: 'The API did not answer with streamed CSV.' })
  })

  describe('with the page API key', () => {
    afterEach(() => setApiKey(''))

    it('sends it as X-API-Key with every body once set, and none while it is empty', async () => {
      const without = fakeApi()
      await run(file(100), without)
      expect(without.headers.some((h) => h.has('x-api-key'))).toBe(false)

      setApiKey('stream-key-0123456789')
      const api = fakeApi()
      const result = await run(file(1000), api)
      expect(result.end).toEqual({ kind: 'done' })
      expect(api.headers.length).toBeGreaterThan(30)
      for (const h of api.headers) {
        expect(h.get('x-api-key')).toBe('stream-key-0123456789')
        expect(h.get('content-type')).toBe('text/csv')
      }
    })

    it("keeps the caller's own headers on top", async () => {
      setApiKey('stream-key-0123456789')
      const api = fakeApi()
      await run(file(10), api, { headers: { 'x-request-id': 'abc' } })
      expect(api.headers[0]!.get('x-request-id')).toBe('abc')
      expect(api.headers[0]!.get('x-api-key')).toBe('stream-key-0123456789')
    })

    for (const [status, sent, words] of [
      [401, false, /^This server needs an API key for POST \/predict-proba \(HTTP 401\)/],
      [401, true, /^The API key was not accepted for POST \/predict-proba \(HTTP 401\)/],
      [403, true, /^The API key lacks the scope for POST \/predict-proba \(HTTP 403\)/],
    ] as const) {
      it(`ends a ${status} (${sent ? 'key sent' : 'no key'}) as denied, in words that quote the API`, async () => {
        if (sent) setApiKey('stream-key-0123456789')
        const said = status === 401 ? 'invalid API key' : 'insufficient_scope: needs "predict"'
        const deny = (async () =>
          new Response(JSON.stringify({ error: said }), {
            status,
            headers: { 'content-type': 'application/json' },
          })) as typeof fetch
        const result = await run(file(5), { ...fakeApi(), fetch: deny })
        expect(result.end).toMatchObject({ kind: 'denied', status })
        const message = (result.end as { message: string }).message
        expect(message).toMatch(words)
        expect(message).toContain(`The API said: ${said}`)
        expect(result.snapshot.rows).toBe(0)
      })
    }
  })
})
