import { createRecordSplitter } from './batch-lines.js'
import { utf8Length } from './batch-tally.js'

// Cuts an uploaded CSV file into request bodies of at most ~64 kB of whole records, read from the file as
// a stream (constant memory), and maps the server's line numbers in a body back to the file's.
//
// Why not the whole file in one request: fetch is half-duplex. A browser exposes the answer only once it
// has sent the whole request body, but the server streams in constant memory with back-pressure, reading
// more input only when its output is taken; so a request whose unread answer outgrows the TCP buffers
// stalls both sides for good (seen in Chromium from a few MB up). A body that fits in the buffers on its
// own (the server's receive buffer alone holds more than 64 kB) is always sent in full, and its answer is
// then read as it comes.

export const BODY_BYTES = 64 * 1024

export interface Body {
  /** The file's records, as written, without line ends. */
  readonly records: readonly string[]
  /** The file line each record starts on. */
  readonly lines: readonly number[]
  /** UTF-8 bytes of the records. */
  readonly bytes: number
}

/** The file's records in bodies of at most `maxBytes` (a longer record goes alone). */
export async function* readBodies(file: Blob, maxBytes = BODY_BYTES): AsyncGenerator<Body> {
  const splitter = createRecordSplitter()
  let records: string[] = []
  let lines: number[] = []
  let bytes = 0
  const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      const newLines: number[] = []
      const newRecords = done ? [] : splitter.push(value, newLines)
      if (done && splitter.rest().trim() !== '') {
        // A last record without a line end.
        newRecords.push(splitter.rest())
        newLines.push(splitter.restLine())
      }
      for (const [i, record] of newRecords.entries()) {
        const size = utf8Length(record) + 1
        if (bytes + size > maxBytes && records.length > 0) {
          yield { records, lines, bytes }
          records = []
          lines = []
          bytes = 0
        }
        records.push(record)
        lines.push(newLines[i]!)
        bytes += size
      }
      if (done) break
    }
    if (records.length > 0) yield { records, lines, bytes }
  } finally {
    await reader.cancel().catch(() => {})
  }
}

/** The request body: the file's header first when it has one (every body is read on its own). */
export function bodyText(header: string | null, body: Body): string {
  return `${header === null ? '' : `${header}\n`}${body.records.join('\n')}\n`
}

/** Line ends inside a record (in quoted cells): CRLF, LF and CR count one each. */
function lineEnds(record: string): number {
  return record.match(/\r\n|\r|\n/g)?.length ?? 0
}

/** The file line of line `line` of the request made by bodyText(header, body). */
export function fileLine(body: Body, hasHeader: boolean, line: number): number {
  let at = hasHeader ? 2 : 1
  if (line < at) return 1
  for (let i = 0; i < body.records.length; i++) {
    const next = at + 1 + lineEnds(body.records[i]!)
    if (line < next || i === body.records.length - 1) return body.lines[i]! + (line - at)
    at = next
  }
  return line
}

export interface Fault {
  readonly line: number | null
  readonly column: number | null
  readonly message: string
}

/** The position in an error message of the API ("line 2, column 3: ..."), so it can be mapped. */
export function readFault(text: string): Fault {
  const match = /^line (\d+)(?:, column (\d+))?: ([\s\S]*)$/.exec(text)
  if (!match) return { line: null, column: null, message: text }
  return { line: Number(match[1]), column: match[2] ? Number(match[2]) : null, message: match[3]! }
}
