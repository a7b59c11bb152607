// CSV records from text that arrives in pieces (a streamed answer read chunk by chunk), by the server's
// CSV rules (docs/streaming.md, src/data/csv-stream.ts): CRLF, LF and CR end a record; a quote opens a
// quoted part only at the start of a cell (spaces aside), `""` inside quotes is one quote, and line ends
// inside quotes belong to the cell. A chunk may end anywhere: inside a quoted cell, between the CR and LF
// of a CRLF, between the two quotes of `""`. Records come out as written (no line end), blank ones skipped.

const QUOTE = 34
const COMMA = 44
const LF = 10
const CR = 13
const SPACE = 32
const TAB = 9

export interface RecordSplitter {
  /** The records this chunk completes; with `lines`, the 1-based line each starts on is pushed to it. */
  push(chunk: string, lines?: number[]): string[]
  /** The text after the last line end: an unfinished record, or '' when the text ended with one. */
  rest(): string
  /** The line the unfinished record starts on. */
  restLine(): number
}

export function createRecordSplitter(): RecordSplitter {
  let carry = ''
  let inQuotes = false
  /** The previous character closed a quoted part (a quote now makes it `""`, one quote). */
  let justClosed = false
  /** The cell so far is only spaces and tabs (a quote here opens a quoted part). */
  let blank = true
  /** Lines are counted as the server counts them: CRLF, LF and CR each end one, inside quotes too. */
  let line = 1
  let start = 1
  let afterCr = false

  return {
    push(chunk, lines) {
      const out: string[] = []
      let from = 0
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk.charCodeAt(i)
        if (c === LF || c === CR) {
          if (!(c === LF && afterCr)) line++
          afterCr = c === CR
        } else afterCr = false
        if (inQuotes) {
          if (c === QUOTE) {
            inQuotes = false
            justClosed = true
          }
          continue
        }
        if (c === QUOTE) {
          if (justClosed || blank) inQuotes = true
          justClosed = false
          blank = false
          continue
        }
        justClosed = false
        if (c === COMMA) blank = true
        else if (c === LF || c === CR) {
          // The LF of a CRLF (in this chunk or the next) ends an empty record, skipped as blank.
          const record = carry + chunk.slice(from, i)
          carry = ''
          if (record.trim() !== '') {
            out.push(record)
            lines?.push(start)
          }
          start = line
          blank = true
          from = i + 1
        } else if (c !== SPACE && c !== TAB) blank = false
      }
      carry += chunk.slice(from)
      return out
    },
    rest: () => carry,
    restLine: () => start,
  }
}

export interface SplitRecord {
  /** The cells: quoted ones without their quotes (`""` read as `"`), unquoted ones trimmed. */
  readonly cells: string[]
  /** Where each cell starts in the record (its first character, a quote or a space included). */
  readonly starts: number[]
}

/** The cells of one record (as the splitter gives it), by the same rules. */
export function splitCells(record: string): SplitRecord {
  const cells: string[] = []
  const starts: number[] = [0]
  let cell = ''
  let quoted = false
  let inQuotes = false
  let justClosed = false
  let blank = true
  const finish = () => cells.push(quoted ? cell : cell.trim())
  for (let i = 0; i < record.length; i++) {
    const ch = record[i]!
    const c = record.charCodeAt(i)
    if (inQuotes) {
      if (c === QUOTE) {
        inQuotes = false
        justClosed = true
      } else cell += ch
      continue
    }
    if (c === QUOTE) {
      if (justClosed) cell += '"'
      else if (blank) cell = ''
      else cell += ch
      if (justClosed || blank) {
        inQuotes = true
        quoted = true
      }
      justClosed = false
      blank = false
      continue
    }
    justClosed = false
    if (c === COMMA) {
      finish()
      starts.push(i + 1)
      cell = ''
      quoted = false
      blank = true
      continue
    }
    // After a quoted part, spaces and tabs are dropped (as the server reads it).
    if (quoted && (c === SPACE || c === TAB)) continue
    if (c !== SPACE && c !== TAB) blank = false
    cell += ch
  }
  finish()
  return { cells, starts }
}
