/**
 * POST /predict and /predict-proba with text/csv and application/x-ndjson bodies, over real TCP: answers in
 * the request's format equal to the JSON API's, header matching and carry-through, every kind of bad input
 * (before the status: a 400 JSON error; after it: a final error record), limits, metrics and log lines.
 */
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requestLines, SETOSA, VERSICOLOR, VIRGINICA } from '../api/helper.js'
import { type Answer, csvRows, eventually, HEADER, post, type Served, serve } from './support.js'

let s: Served
beforeAll(async () => {
  s = await serve()
})
afterAll(() => s.app.close())

const CSV = 'text/csv'
const NDJSON = 'application/x-ndjson'

async function jsonProba(rows: number[][]): Promise<{ prediction: string[]; probabilities: number[][] }> {
  const res = await fetch(`http://127.0.0.1:${s.port}/predict-proba`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ input: rows }),
  })
  return (await res.json()) as { prediction: string[]; probabilities: number[][] }
}

const lines = (a: Answer) => a.body.split('\n').filter((l) => l !== '')
const lastLogFor = (path: string) =>
  requestLines(s.logs)
    .filter((l) => (l.request_metrics as { endpoint: string }).endpoint === path)
    .at(-1)!.request_metrics as Record<string, unknown>

describe('streamed answers', () => {
  it('CSV with a header: features by name, other columns carried through, probabilities as the JSON API', async () => {
    const body = `species,petal_width_cm,sepal_length_cm,petal_length_cm,sepal_width_cm\nsetosa,0.2,5.1,1.4,3.5\nvirginica,2.3,6.2,5.4,3.4\n`
    const a = await post(s.port, '/predict-proba', CSV, [body])
    expect(a.status).toBe(200)
    expect(a.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(a.headers['x-content-type-options']).toBe('nosniff')
    expect(a.headers['x-request-id']).toBeTruthy()
    expect(a.headers['x-model-version']).toBeTruthy()
    const want = await jsonProba([SETOSA, VIRGINICA])
    const [head, ...rows] = lines(a)
    expect(head).toBe(
      'species,petal_width_cm,sepal_length_cm,petal_length_cm,sepal_width_cm,prediction,proba_setosa,proba_versicolor,proba_virginica',
    )
    expect(rows).toEqual([
      `setosa,0.2,5.1,1.4,3.5,${want.prediction[0]},${want.probabilities[0]!.join(',')}`,
      `virginica,2.3,6.2,5.4,3.4,${want.prediction[1]},${want.probabilities[1]!.join(',')}`,
    ])
  })

  it('CSV without a header: exactly the features, in order; the answer gets the feature names as header', async () => {
    const a = await post(s.port, '/predict', CSV, [`${SETOSA.join(',')}\n${VERSICOLOR.join(',')}`])
    expect(lines(a)).toEqual([
      'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,prediction',
      `${SETOSA.join(',')},setosa`,
      `${VERSICOLOR.join(',')},versicolor`,
    ])
  })

  it('NDJSON: arrays and {"input": [...]} objects, one answer object a line', async () => {
    const body = `${JSON.stringify(SETOSA)}\n\n${JSON.stringify({ input: VIRGINICA })}\r\n`
    const a = await post(s.port, '/predict-proba', NDJSON, [body])
    expect(a.headers['content-type']).toBe('application/x-ndjson; charset=utf-8')
    const want = await jsonProba([SETOSA, VIRGINICA])
    expect(lines(a).map((l) => JSON.parse(l))).toEqual([
      { prediction: want.prediction[0], probabilities: want.probabilities[0] },
      { prediction: want.prediction[1], probabilities: want.probabilities[1] },
    ])
    const p = await post(s.port, '/predict', NDJSON, [`${JSON.stringify(VERSICOLOR)}\n`])
    expect(p.body).toBe('{"prediction":"versicolor"}\n')
  })

  it('a BOM, CRLF line ends and quoted fields', async () => {
    const body = `\uFEFF${HEADER},note\r\n"5.1",3.5,1.4,0.2,"setosa","a ""quoted"", note\r\nwith a line break"\r\n6.2,3.4,5.4,2.3,virginica,plain\r\n`
    const a = await post(s.port, '/predict', CSV, [body])
    expect(a.status).toBe(200)
    expect(a.body).toBe(
      `${HEADER},note,prediction\n"5.1",3.5,1.4,0.2,"setosa","a ""quoted"", note\r\nwith a line break",setosa\n6.2,3.4,5.4,2.3,virginica,plain,virginica\n`,
    )
  })

  it('a BOM split across two pieces, and a CRLF split between them', async () => {
    const bom = Buffer.from('\uFEFF', 'utf8')
    const a = await post(
      s.port,
      '/predict',
      CSV,
      [
        bom.subarray(0, 1),
        Buffer.concat([bom.subarray(1), Buffer.from(`${SETOSA.join(',')}\r`)]),
        `\n${VIRGINICA.join(',')}`,
      ],
      { gapMs: 30 },
    )
    expect(lines(a).slice(1)).toEqual([`${SETOSA.join(',')},setosa`, `${VIRGINICA.join(',')},virginica`])
  })

  it('a last line without a line end is answered', async () => {
    const a = await post(s.port, '/predict', CSV, [
      `${HEADER}\n${csvRows(2)}${VIRGINICA.join(',')},virginica`,
    ])
    expect(lines(a)).toHaveLength(4)
    expect(lines(a)[3]).toBe(`${VIRGINICA.join(',')},virginica,virginica`)
  })

  it('counts rows in the metrics and logs one line per stream', async () => {
    const before = await metricValue('iris_stream_rows_total{route="/predict",format="csv"}')
    const a = await post(s.port, '/predict', CSV, [HEADER, `\n${csvRows(1000)}`, csvRows(500)], { gapMs: 20 })
    expect(lines(a)).toHaveLength(1501)
    expect(await metricValue('iris_stream_rows_total{route="/predict",format="csv"}')).toBe(before + 1500)
    expect(lastLogFor('/predict')).toMatchObject({ status_code: 200, error: null })
  })
})

/** The in-flight gauge back to 1 (the scrape itself). */
async function inFlightSettles(): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if ((await metricValue('http_requests_in_flight')) === 1) return true
    await sleep(50)
  }
  return false
}

async function metricValue(series: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${s.port}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? 0 : Number(line.split(' ')[1])
}

describe('bad input before the first answer byte: a 400 JSON error naming line and column', () => {
  it.each([
    ['an empty body', '', 'line 1: the body is empty'],
    [
      'a header only missing a feature',
      'sepal_length_cm,sepal_width_cm,petal_length_cm,species,note\n1,2,3,x,y\n',
      'line 1: the header has no column "petal_width_cm"',
    ],
    [
      'a non-number',
      `${HEADER}\n5.1,abc,1.4,0.2,setosa\n`,
      'line 2, column 2: non-numeric value "abc" in "sepal_width_cm"',
    ],
    [
      'a missing value',
      `${HEADER}\n5.1,3.5,,0.2,setosa\n`,
      'line 2, column 3: missing value in "petal_length_cm"',
    ],
    [
      'a value beyond float32',
      `${HEADER}\n5.1,3.5,1e39,0.2,setosa\n`,
      'line 2, column 3: non-finite value "1e39" in "petal_length_cm"',
    ],
    ['a wrong field count', `${HEADER}\n5.1,3.5,1.4,0.2\n`, 'line 2: expected 5 fields, got 4'],
    ['a truncated last line', `${HEADER}\n6.2,3.`, 'line 2: expected 5 fields, got 2'],
    ['an unterminated quote', `${HEADER}\n5.1,3.5,1.4,0.2,"setosa\n`, 'line 2: unterminated quoted cell'],
  ])('CSV: %s', async (_what, body, message) => {
    const a = await post(s.port, '/predict', CSV, [body])
    expect(a.status).toBe(400)
    expect(a.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(JSON.parse(a.body)).toEqual({ error: message })
    expect(lastLogFor('/predict')).toMatchObject({ status_code: 400, error: message })
  })

  it.each([
    ['an empty body', '\n\n', 'line 1: the body is empty'],
    ['not JSON', '\n[1,2,\n', 'line 2: not valid JSON'],
    ['a wrong count', '[1,2,3]\n', 'line 1: expected 4 values, got 3'],
    ['a string value', '{"input":[1,"2",3,4]}\n', 'line 1, column 2: expected a finite number, got "2"'],
    [
      'neither array nor input',
      '{"rows":[1,2,3,4]}\n',
      'line 1: expected an array of numbers or {"input": [...]}',
    ],
  ])('NDJSON: %s', async (_what, body, message) => {
    const a = await post(s.port, '/predict-proba', NDJSON, [body])
    expect(a.status).toBe(400)
    expect(JSON.parse(a.body)).toEqual({ error: message })
  })
})

describe('bad input after the status was sent: the stream ends with one error record', () => {
  it('CSV: #error,<line>,<column>,<rows answered>,<message>; logged', async () => {
    const a = await post(
      s.port,
      '/predict',
      CSV,
      [`${HEADER}\n${csvRows(10)}`, `5.1,3.5,oops,0.2,setosa\n${csvRows(5)}`],
      {
        afterFirstByte: true,
      },
    )
    expect(a.status).toBe(200)
    const out = lines(a)
    expect(out).toHaveLength(12)
    expect(out.at(-1)).toBe('#error,12,3,10,"non-numeric value ""oops"" in ""petal_length_cm"""')
    expect(lastLogFor('/predict')).toMatchObject({
      status_code: 200,
      error: 'stream stopped after 10 rows: line 12, column 3: non-numeric value "oops" in "petal_length_cm"',
    })
  })

  it('NDJSON: {"error", "line", "column", "rows"}', async () => {
    const a = await post(
      s.port,
      '/predict-proba',
      NDJSON,
      [`${JSON.stringify(SETOSA)}\n`, '[1,2,3,4]\n[1,2,null,4]\n'],
      {
        afterFirstByte: true,
      },
    )
    const out = lines(a).map((l) => JSON.parse(l))
    expect(out).toHaveLength(3)
    expect(out[2]).toEqual({ error: 'expected a finite number, got null', line: 3, column: 3, rows: 2 })
  })

  it('a truncated last line after the first answer', async () => {
    const a = await post(s.port, '/predict', CSV, [`${HEADER}\n${csvRows(2)}`, '6.2,3.4,5'], {
      afterFirstByte: true,
    })
    expect(lines(a).at(-1)).toBe('#error,4,,2,"expected 5 fields, got 3"')
  })

  it('rows before the bad line in the same piece are answered first', async () => {
    const a = await post(s.port, '/predict', CSV, [
      `${HEADER}\n${csvRows(3000)}1,x,2,3,setosa\n${csvRows(3)}`,
    ])
    expect(a.status).toBe(200)
    const out = lines(a)
    expect(out).toHaveLength(3002)
    expect(out.at(-1)).toBe('#error,3002,2,3000,"non-numeric value ""x"" in ""sepal_width_cm"""')
  })

  it('more than MAX_STREAM_ROWS rows', async () => {
    const small = await serve({ MAX_STREAM_ROWS: '50000' })
    const a = await post(small.port, '/predict', CSV, [`${HEADER}\n${csvRows(30_000)}`, csvRows(30_000)], {
      afterFirstByte: true,
    }).finally(() => small.app.close())

    const out = lines(a)
    expect(out.at(-1)).toBe('#error,50002,,50000,more than 50000 rows (MAX_STREAM_ROWS)')
    expect(out).toHaveLength(50_002)
  })
})

describe('the client side of the connection', () => {
  it('a client that disconnects mid-stream: the stream stops, nothing is left in flight, the log says so', async () => {
    const socket = connect(s.port, '127.0.0.1')
    await new Promise((r) => socket.once('connect', r))
    socket.write(
      `POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n`,
    )
    const piece = `${HEADER}\n${csvRows(2000)}`
    socket.write(`${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`)
    let received = 0
    socket.on('data', (d: Buffer) => {
      received += d.length
    })
    expect(await eventually(() => received > 1000)).toBe(true)
    socket.destroy()
    expect(
      await eventually(() =>
        String(lastLogFor('/predict').error).startsWith('client closed the connection after 2000 rows'),
      ),
    ).toBe(true)
    expect(await inFlightSettles()).toBe(true)
  })

  it('a client that stops reading: the server stops reading too (bounded buffering), and lets go when the client leaves', async () => {
    const socket = connect(s.port, '127.0.0.1')
    await new Promise((r) => socket.once('connect', r))
    socket.pause() // never read
    socket.on('error', () => {})
    const chunked = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`
    socket.write(
      `POST /predict-proba HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n${chunked(`${HEADER}\n`)}`,
    )
    const chunk = chunked(csvRows(3000)) // ~76 kB in, ~200 kB out
    let sent = 0
    // Up to 300 MB offered; once the server stops taking it, Node's buffer on our side grows past 4 MB.
    for (let i = 0; i < 4000 && socket.writableLength < 4 << 20; i++) {
      sent += chunk.length
      if (!socket.write(chunk)) await sleep(5)
    }
    expect(socket.writableLength).toBeGreaterThanOrEqual(4 << 20)
    const accepted = sent - socket.writableLength
    // What the server took in is bounded by socket buffers and stream high-water marks.
    expect(accepted).toBeLessThan(32 << 20)
    await sleep(300)
    expect(sent - socket.writableLength).toBe(accepted)
    socket.destroy()
    expect(await inFlightSettles()).toBe(true)
    expect(String(lastLogFor('/predict-proba').error)).toMatch(/^client closed the connection after \d+ rows/)
  })
})
