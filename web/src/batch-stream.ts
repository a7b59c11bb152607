import { type AnswerLayout, type ErrorRecord, readErrorRecord, readLayout } from './batch-answer.js'
import { createBlobBuilder } from './batch-download.js'
import { createRecordSplitter, splitCells } from './batch-lines.js'
import { createTally, type TallySnapshot, utf8Length } from './batch-tally.js'

// Streams a CSV file of any size through POST /predict-proba (Content-Type text/csv, docs/streaming.md)
// and reads the answer as it comes: the File is the request body, so the browser uploads it from disk
// without reading it into the page (a ReadableStream body would need HTTP/2 in Chromium); the answer is
// read chunk by chunk, split into records, counted, and collected in a Blob for download. Memory stays
// flat whatever the file's size: only the first `keepRows` rows are kept as cells, for the table.

export interface AnsweredRow {
  /** 1-based position among the answered rows. */
  readonly n: number
  readonly cells: readonly string[]
}

export interface StreamOptions {
  file: Blob
  url?: string
  /** Extra request headers (an API key, when the page's API client sends one). */
  headers?: Record<string, string>
  /** Names of the label column besides species/class/label...: the model's training target. */
  labelNames?: readonly string[]
  keepRows?: number
  signal?: AbortSignal
  fetch?: typeof fetch
  now?: () => number
  onHeader?: (layout: AnswerLayout) => void
  /** Rows among the first `keepRows`, as they arrive. */
  onRows?: (rows: readonly AnsweredRow[]) => void
  /** After each chunk of the answer. */
  onProgress?: (snapshot: TallySnapshot) => void
}

export type StreamEnd =
  | { kind: 'done' }
  /** The server stopped at a bad line after answering rows: its error record. */
  | { kind: 'stopped'; fault: ErrorRecord }
  /** An HTTP error (before any row): the API's message. */
  | { kind: 'refused'; status: number; message: string }
  /** No answer, a broken connection, or an answer that is not the streamed CSV. */
  | { kind: 'broken'; message: string }
  | { kind: 'cancelled' }

export interface StreamResult {
  readonly end: StreamEnd
  readonly layout: AnswerLayout | null
  readonly snapshot: TallySnapshot
  /** The answer's header and rows so far (never the error record). */
  readonly blob: Blob
}

async function apiError(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: unknown }
    if (typeof body?.error === 'string') return body.error
  } catch {
    // Not JSON (e.g. a proxy's error page): the status is all there is.
  }
  return 'no error message'
}

export async function streamPredictions(options: StreamOptions): Promise<StreamResult> {
  const now = options.now ?? (() => performance.now())
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init))
  const keepRows = options.keepRows ?? 100
  const tally = createTally(options.file.size, now())
  const builder = createBlobBuilder()
  const splitter = createRecordSplitter()
  let layout: AnswerLayout | null = null
  let held: string | null = null
  const result = (end: StreamEnd, done = false): StreamResult => ({
    end,
    layout,
    snapshot: tally.snapshot(now(), done),
    blob: builder.blob(),
  })

  /** One record that is not the last: the header, then rows. Returns the text to keep. */
  const take = (record: string, kept: AnsweredRow[]): void => {
    const { cells, starts } = splitCells(record)
    if (layout === null) {
      layout = readLayout(cells, options.labelNames ?? [])
      if (layout === null) throw new NotAnAnswer()
      tally.addBytes(utf8Length(record, (starts[layout.inputColumns] ?? 1) - 1))
      options.onHeader?.(layout)
      return
    }
    const { inputColumns, labelIndex } = layout
    const label = labelIndex >= 0 ? (cells[labelIndex] ?? null) : null
    tally.add(utf8Length(record, (starts[inputColumns] ?? 1) - 1), label, cells[inputColumns] ?? '')
    const n = tally.rows
    if (n <= keepRows) kept.push({ n, cells })
  }

  /** Takes the records; all but the last, which is held back (only the answer's last can be an error record). */
  const takeAll = (records: readonly string[], final = false) => {
    const kept: AnsweredRow[] = []
    const all = held === null ? records : [held, ...records]
    const upto = final ? all.length : all.length - 1
    for (let i = 0; i < upto; i++) take(all[i]!, kept)
    held = final ? null : (all.at(-1) ?? null)
    if (upto > 0) builder.append(`${all.slice(0, upto).join('\n')}\n`)
    if (kept.length > 0) options.onRows?.(kept)
  }

  let response: Response
  try {
    response = await doFetch(options.url ?? '/predict-proba', {
      method: 'POST',
      headers: { 'content-type': 'text/csv', accept: 'text/csv', ...options.headers },
      body: options.file,
      signal: options.signal,
    })
  } catch {
    if (options.signal?.aborted) return result({ kind: 'cancelled' })
    return result({
      kind: 'broken',
      message: 'Cannot reach the prediction API. Check that the server is running, then try again.',
    })
  }
  if (!response.ok)
    return result({ kind: 'refused', status: response.status, message: await apiError(response) })
  if (!response.body || !/^text\/csv\b/i.test(response.headers.get('content-type') ?? '')) {
    return result({ kind: 'broken', message: 'The API did not answer with streamed CSV.' })
  }

  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      // Chunks already read ahead are not taken once cancelled.
      if (options.signal?.aborted) {
        await reader.cancel().catch(() => {})
        return result({ kind: 'cancelled' })
      }
      takeAll(splitter.push(value))
      options.onProgress?.(tally.snapshot(now()))
    }
  } catch (err) {
    if (err instanceof NotAnAnswer) {
      await reader.cancel().catch(() => {})
      return result({ kind: 'broken', message: err.message })
    }
    if (options.signal?.aborted) return result({ kind: 'cancelled' })
    return result({ kind: 'broken', message: `The connection to the API broke after ${tally.rows} rows.` })
  }

  try {
    // A last record without a line end (the server always ends one; be lenient).
    if (splitter.rest().trim() !== '') takeAll([splitter.rest()])
    const fault = layout === null || held === null ? null : readErrorRecord(splitCells(held).cells)
    if (fault) return result({ kind: 'stopped', fault })
    takeAll([], true)
  } catch (err) {
    if (err instanceof NotAnAnswer) return result({ kind: 'broken', message: err.message })
    throw err
  }
  if (layout === null) return result({ kind: 'broken', message: 'The API answered with no CSV header.' })
  return result({ kind: 'done' }, true)
}

class NotAnAnswer extends Error {
  constructor() {
    super('The API answered with CSV that has no prediction column.')
  }
}
