import { apiErrorOf } from './api.js'
import { type AnswerLayout, readErrorRecord, readLayout } from './batch-answer.js'
import { type Body, bodyText, type Fault, fileLine, readBodies, readFault } from './batch-body.js'
import { createBlobBuilder } from './batch-download.js'
import { createRecordSplitter, splitCells } from './batch-lines.js'
import { createTally, type TallySnapshot, utf8Length } from './batch-tally.js'
import { apiKey, keyHeaders, keyProblem } from './credentials.js'

// Streams a CSV file of any size through POST /predict-proba (Content-Type text/csv, docs/streaming.md):
// the file is read as a stream and sent in bodies of ~64 kB of whole records (batch-body.ts says why not
// in one request), a few in flight at once; the answers are taken in order, counted, and collected in a
// Blob for download. Memory stays flat whatever the file's size: only the first `keepRows` rows are kept
// as cells, for the table. Each request carries the page's API key when one is set (credentials.ts).

/** Requests in flight at once: the next bodies are sent while an answer is read. */
const IN_FLIGHT = 3

export interface AnsweredRow {
  /** 1-based position among the answered rows. */
  readonly n: number
  readonly cells: readonly string[]
}

export interface StreamOptions {
  file: Blob
  url?: string
  /** Extra request headers, over the page's API key header (credentials.ts). */
  headers?: Record<string, string>
  /** Names of the label column besides species/class/label...: the model's training target. */
  labelNames?: readonly string[]
  keepRows?: number
  bodyBytes?: number
  signal?: AbortSignal
  fetch?: typeof fetch
  now?: () => number
  onHeader?: (layout: AnswerLayout) => void
  /** Rows among the first `keepRows`, as they arrive. */
  onRows?: (rows: readonly AnsweredRow[]) => void
  /** After each answer. */
  onProgress?: (snapshot: TallySnapshot) => void
}

export type StreamEnd =
  | { kind: 'done' }
  /** The server stopped at a bad line: where (in the file), and the rows answered before it in all. */
  | { kind: 'stopped'; fault: Fault & { rows: number } }
  /** An HTTP error other than a bad line: the API's message. */
  | { kind: 'refused'; status: number; message: string }
  /** A 401 or 403: the key is missing, not accepted or lacks the scope, in words (quoting the API). */
  | { kind: 'denied'; status: 401 | 403; message: string }
  /** No answer, a broken connection, an unreadable file, or an answer that is not the streamed CSV. */
  | { kind: 'broken'; message: string }
  | { kind: 'cancelled' }

export interface StreamResult {
  readonly end: StreamEnd
  readonly layout: AnswerLayout | null
  readonly snapshot: TallySnapshot
  /** The answer's header and rows so far (never an error record). */
  readonly blob: Blob
}

interface Answer {
  readonly status: number
  readonly csv: boolean
  readonly text: string
}

const apiError = (text: string): string => apiErrorOf(text) ?? 'no error message'

const same = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i])

export async function streamPredictions(options: StreamOptions): Promise<StreamResult> {
  const now = options.now ?? (() => performance.now())
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init))
  const keepRows = options.keepRows ?? 100
  const tally = createTally(options.file.size, now())
  const builder = createBlobBuilder()
  // Stops the requests still in flight when the batch ends early; the caller's signal stops everything.
  const stop = new AbortController()
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal
  let layout: AnswerLayout | null = null
  /** The file's header record, sent before each body after the first; null when the file has none. */
  let header: string | null = null
  /** The key of the whole stream, read once: a key typed meanwhile applies to the next file. */
  const key = apiKey()

  const result = (end: StreamEnd): StreamResult => {
    stop.abort()
    return { end, layout, snapshot: tally.snapshot(now(), end.kind === 'done'), blob: builder.blob() }
  }
  const cancelled = () => options.signal?.aborted === true

  async function post(text: string): Promise<Answer> {
    const response = await doFetch(options.url ?? '/predict-proba', {
      method: 'POST',
      headers: { 'content-type': 'text/csv', accept: 'text/csv', ...keyHeaders(key), ...options.headers },
      body: text,
      signal,
    })
    const csv = /^text\/csv\b/i.test(response.headers.get('content-type') ?? '')
    return { status: response.status, csv, text: await response.text() }
  }

  /** Takes one answer; returns how the batch ends, or null to go on. */
  function take(body: Body, first: boolean, answer: Answer): StreamEnd | null {
    const prepended = !first && header !== null
    const where = (fault: Fault): Fault =>
      fault.line === null ? fault : { ...fault, line: fileLine(body, prepended, fault.line) }
    if (answer.status === 401 || answer.status === 403) {
      const message = keyProblem(answer.status, apiErrorOf(answer.text), 'POST /predict-proba', key !== '')!
      return { kind: 'denied', status: answer.status, message }
    }
    if (answer.status < 200 || answer.status >= 300) {
      const fault = where(readFault(apiError(answer.text)))
      if (answer.status === 400 && fault.line !== null && tally.rows > 0)
        return { kind: 'stopped', fault: { ...fault, rows: tally.rows } }
      const message =
        fault.line === null
          ? fault.message
          : `line ${fault.line}${fault.column === null ? '' : `, column ${fault.column}`}: ${fault.message}`
      return { kind: 'refused', status: answer.status, message }
    }
    if (!answer.csv) return { kind: 'broken', message: 'The API did not answer with streamed CSV.' }
    const splitter = createRecordSplitter()
    const records = splitter.push(answer.text)
    if (splitter.rest().trim() !== '') records.push(splitter.rest())
    const head = splitCells(records[0] ?? '')
    if (first) {
      layout = readLayout(head.cells, options.labelNames ?? [])
      if (layout === null)
        return { kind: 'broken', message: 'The API answered with CSV that has no prediction column.' }
      // The file has a header when the answer names its input columns as its first record did.
      const firstRecord = splitCells(body.records[0] ?? '').cells
      if (same(head.cells.slice(0, layout.inputColumns), firstRecord)) {
        header = body.records[0]!
        tally.addBytes(utf8Length(records[0]!, (head.starts[layout.inputColumns] ?? 1) - 1))
      }
      builder.append(`${records[0]}\n`)
      options.onHeader?.(layout)
    }
    const { inputColumns, labelIndex } = layout!
    // Only the answer's last record can be an error record (a data row may start with "#error").
    const error = records.length > 1 ? readErrorRecord(splitCells(records.at(-1)!).cells) : null
    const rows = records.slice(1, error ? -1 : undefined)
    const kept: AnsweredRow[] = []
    for (const record of rows) {
      const { cells, starts } = splitCells(record)
      const label = labelIndex >= 0 ? (cells[labelIndex] ?? null) : null
      tally.add(utf8Length(record, (starts[inputColumns] ?? 1) - 1), label, cells[inputColumns] ?? '')
      if (tally.rows <= keepRows) kept.push({ n: tally.rows, cells })
    }
    if (rows.length > 0) builder.append(`${rows.join('\n')}\n`)
    if (kept.length > 0) options.onRows?.(kept)
    options.onProgress?.(tally.snapshot(now()))
    if (error) return { kind: 'stopped', fault: { ...where(error), rows: tally.rows } }
    return null
  }

  const bodies = readBodies(options.file, options.bodyBytes)
  const inFlight: { body: Body; answer: Promise<Answer> }[] = []
  try {
    const first = await bodies.next()
    if (first.done) return result({ kind: 'broken', message: 'The file holds no rows.' })
    const end = take(first.value, true, await post(bodyText(null, first.value)))
    if (end) return result(end)
    for (;;) {
      const next = inFlight.length < IN_FLIGHT ? await bodies.next() : null
      if (next && !next.done) {
        const answer = post(bodyText(header, next.value))
        answer.catch(() => {}) // awaited in order below; a batch that ends early leaves some unread
        inFlight.push({ body: next.value, answer })
        continue
      }
      const oldest = inFlight.shift()
      if (!oldest) break
      const end = take(oldest.body, false, await oldest.answer)
      if (end) return result(end)
      if (cancelled()) return result({ kind: 'cancelled' })
    }
  } catch (err) {
    if (cancelled()) return result({ kind: 'cancelled' })
    if (err instanceof DOMException && err.name === 'NotReadableError')
      return result({ kind: 'broken', message: 'The file could not be read (was it moved or changed?).' })
    const message =
      tally.rows === 0
        ? 'Cannot reach the prediction API. Check that the server is running, then try again.'
        : `The connection to the API broke after ${tally.rows.toLocaleString('en-US')} rows.`
    return result({ kind: 'broken', message })
  } finally {
    await bodies.return(undefined)
  }
  return result({ kind: 'done' })
}
