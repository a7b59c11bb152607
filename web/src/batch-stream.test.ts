import { describe, expect, it } from 'vitest'
import { type AnsweredRow, streamPredictions } from './batch-stream.js'

const INPUT = [
  'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species',
  '5.1,3.5,1.4,0.2,setosa',
  '6.3,3.3,6.0,2.5,virginica',
  '5.9,3.0,4.2,1.5,virginica',
].join('\n')

const ANSWER = [
  'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species,prediction,proba_setosa,proba_versicolor,proba_virginica',
  '5.1,3.5,1.4,0.2,setosa,setosa,1,0,0',
  '6.3,3.3,6.0,2.5,virginica,virginica,0,0.01,0.99',
  '5.9,3.0,4.2,1.5,virginica,versicolor,0,0.97,0.03',
].join('\n')

const ERROR = '#error,5,3,3,"non-numeric value ""oops"" in ""petal_length_cm"""\n'

/** A fetch that answers with these pieces of text (then ends, or breaks), recording the request. */
function fakeFetch(pieces: readonly string[], init: ResponseInit = {}, breakAfter = false) {
  const seen: { url: string; init: RequestInit }[] = []
  const fetch = async (url: RequestInfo | URL, req?: RequestInit) => {
    seen.push({ url: String(url), init: req ?? {} })
    const signal = req?.signal
    if (signal?.aborted) throw new DOMException('aborted', 'AbortError')
    const encoder = new TextEncoder()
    let i = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (signal?.aborted) return controller.error(new DOMException('aborted', 'AbortError'))
        if (i < pieces.length) return controller.enqueue(encoder.encode(pieces[i++]))
        if (breakAfter) controller.error(new TypeError('network error'))
        else controller.close()
      },
    })
    return new Response(body, { headers: { 'content-type': 'text/csv; charset=utf-8' }, ...init })
  }
  return { fetch: fetch as typeof globalThis.fetch, seen }
}

function cutEvery(text: string, size: number): string[] {
  const out: string[] = []
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size))
  return out
}

describe('streamPredictions', () => {
  it('posts the file as text/csv and reads the answer in any chunking: rows, accuracy, 100%, the download', async () => {
    const file = new Blob([INPUT])
    for (const size of [1, 7, 64, 10_000]) {
      const { fetch, seen } = fakeFetch(cutEvery(`${ANSWER}\n`, size))
      const rows: AnsweredRow[] = []
      const run = await streamPredictions({ file, fetch, keepRows: 2, onRows: (r) => rows.push(...r) })
      expect(seen[0]!.url).toBe('/predict-proba')
      expect(seen[0]!.init).toMatchObject({ method: 'POST', body: file })
      expect(seen[0]!.init.headers).toMatchObject({ 'content-type': 'text/csv' })
      expect(run.end).toEqual({ kind: 'done' })
      expect(run.snapshot).toMatchObject({ rows: 3, labelled: 3, correct: 2, fraction: 1 })
      expect(run.layout?.classes).toEqual(['setosa', 'versicolor', 'virginica'])
      expect(rows.map((r) => [r.n, r.cells[5]])).toEqual([
        [1, 'setosa'],
        [2, 'virginica'],
      ])
      expect(await run.blob.text()).toBe(`${ANSWER}\n`)
    }
  })

  it('measures progress as input bytes echoed back, against the file size', async () => {
    const progress: (number | null)[] = []
    const pieces = ANSWER.split('\n').map((line) => `${line}\n`)
    const { fetch } = fakeFetch(pieces)
    await streamPredictions({ file: new Blob([INPUT]), fetch, onProgress: (s) => progress.push(s.fraction) })
    // The header and the rows are counted once the next record arrives (the last is held back).
    const [header, row1, row2] = INPUT.split('\n').map((line) => line.length + 1) as [number, number, number]
    expect(progress.slice(0, 4)).toEqual([
      0,
      header / INPUT.length,
      (header + row1) / INPUT.length,
      (header + row1 + row2) / INPUT.length,
    ])
  })

  it('ends at the error record: the fault, the rows before it, a download without the record', async () => {
    const { fetch } = fakeFetch(cutEvery(`${ANSWER}\n${ERROR}`, 5))
    const run = await streamPredictions({ file: new Blob([INPUT]), fetch })
    expect(run.end).toEqual({
      kind: 'stopped',
      fault: { line: 5, column: 3, rows: 3, message: 'non-numeric value "oops" in "petal_length_cm"' },
    })
    expect(run.snapshot.rows).toBe(3)
    expect(await run.blob.text()).toBe(`${ANSWER}\n`)
  })

  it('counts a row whose first cell is "#error" as a row when it is not the last record', async () => {
    const answer = 'id,x,prediction,proba_a\n#error,1,a,1\n2,1,a,1\n'
    const { fetch } = fakeFetch([answer])
    const run = await streamPredictions({ file: new Blob(['id,x\n#error,1\n2,1\n']), fetch })
    expect(run.end.kind).toBe('done')
    expect(run.snapshot.rows).toBe(2)
  })

  it("gives the API's message for an HTTP error", async () => {
    const { fetch } = fakeFetch([JSON.stringify({ error: 'line 2, column 3: non-numeric value "x"' })], {
      status: 400,
      headers: { 'content-type': 'application/json' },
    })
    const run = await streamPredictions({ file: new Blob([INPUT]), fetch })
    expect(run.end).toEqual({
      kind: 'refused',
      status: 400,
      message: 'line 2, column 3: non-numeric value "x"',
    })
    expect(run.blob.size).toBe(0)
  })

  it('keeps the rows answered before a broken connection', async () => {
    const { fetch } = fakeFetch([`${ANSWER.split('\n').slice(0, 3).join('\n')}\n5.9,3.0`], {}, true)
    const run = await streamPredictions({ file: new Blob([INPUT]), fetch })
    expect(run.end).toEqual({ kind: 'broken', message: 'The connection to the API broke after 1 rows.' })
    expect((await run.blob.text()).split('\n')).toHaveLength(3)
  })

  it('stops when cancelled, keeping what came', async () => {
    const controller = new AbortController()
    const { fetch } = fakeFetch(ANSWER.split('\n').map((line) => `${line}\n`))
    const run = await streamPredictions({
      file: new Blob([INPUT]),
      fetch,
      signal: controller.signal,
      onRows: () => controller.abort(),
    })
    expect(run.end).toEqual({ kind: 'cancelled' })
    expect(run.snapshot.rows).toBe(1)
  })

  it('refuses an answer that is not the streamed CSV', async () => {
    const json = fakeFetch(['{"prediction":[]}'], { headers: { 'content-type': 'application/json' } })
    expect((await streamPredictions({ file: new Blob([INPUT]), fetch: json.fetch })).end.kind).toBe('broken')
    const csv = fakeFetch(['a,b\n1,2\n'])
    expect((await streamPredictions({ file: new Blob([INPUT]), fetch: csv.fetch })).end).toEqual({
      kind: 'broken',
      message: 'The API answered with CSV that has no prediction column.',
    })
  })
})
