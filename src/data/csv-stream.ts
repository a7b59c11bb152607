import { type CsvRecord, tokenizeCsv } from './csv-tokenize.js'
import { CsvError } from './errors.js'

/** Longest record (bytes of text) held while waiting for its closing quote or line end. */
export const MAX_RECORD_CHARS = 1 << 20

/**
 * CSV records from text that arrives in pieces (an HTTP body, a file read in chunks), in constant memory:
 * the same records, cells and line numbers as `tokenizeCsv` gives for the whole text (a BOM, CRLF / LF /
 * CR line ends, RFC 4180 quotes, blank lines skipped, unquoted cells trimmed). Lines without a quote
 * take a fast path (split on commas); a line with one goes to `tokenizeCsv` itself, joined with the
 * following lines until its quotes close. `raw` is the record's text as received (no line end), so a
 * caller can echo it without re-quoting.
 */
export interface StreamedRecord extends CsvRecord {
  raw: string
}

export class CsvRecordStream {
  private carry = ''
  private started = false
  /** Line number of the next line to be split off. */
  private line = 1
  /** A quoted record still open: its text so far and the line it starts on. */
  private open: { text: string; line: number } | null = null

  constructor(private readonly source: string) {}

  /** The records completed by this piece of text. */
  push(text: string): StreamedRecord[] {
    if (!this.started) {
      if (text.length === 0) return []
      this.started = true
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    let s = this.carry + text
    // A CR at the very end may be half of a CRLF: keep it for the next piece.
    const holdCr = s.endsWith('\r')
    if (holdCr) s = s.slice(0, -1)
    const out: StreamedRecord[] = []
    let pos = 0
    const hasCr = s.includes('\r')
    for (;;) {
      let nl = s.indexOf('\n', pos)
      let next = nl + 1
      if (hasCr) {
        const cr = s.indexOf('\r', pos)
        if (cr !== -1 && (nl === -1 || cr < nl)) {
          nl = cr
          next = s.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1
        }
      }
      if (nl === -1) break
      this.lineOf(s.slice(pos, nl), s.slice(pos, next), out)
      pos = next
    }
    this.carry = s.slice(pos) + (holdCr ? '\r' : '')
    if (this.carry.length + (this.open?.text.length ?? 0) > MAX_RECORD_CHARS)
      throw new CsvRecordTooLong(this.source, this.open?.line ?? this.line)
    return out
  }

  /** The last records, once the text has ended (a last line without a line end counts). */
  end(): StreamedRecord[] {
    const out: StreamedRecord[] = []
    const rest = this.carry
    this.carry = ''
    if (rest !== '' || this.open !== null) this.lineOf(rest, rest, out, true)
    return out
  }

  private lineOf(line: string, withEnd: string, out: StreamedRecord[], last = false): void {
    if (this.open !== null) {
      this.open.text += withEnd
      if (last || closesQuotes(this.open.text)) {
        const { text, line: start } = this.open
        this.open = null
        this.quoted(text, start, out)
      }
      this.line++
      return
    }
    const start = this.line++
    if (line.includes('"')) {
      if (last || closesQuotes(line)) this.quoted(line, start, out)
      else this.open = { text: withEnd, line: start }
      return
    }
    if (line.trim() === '') return
    const cells = line.split(',')
    for (let i = 0; i < cells.length; i++) cells[i] = cells[i]!.trim()
    out.push({ line: start, cells, raw: line })
  }

  /** Text with a quote: tokenizeCsv decides (it throws UNTERMINATED_QUOTE at the end of the input). */
  private quoted(text: string, start: number, out: StreamedRecord[]): void {
    const raw = text.replace(/(\r\n|\r|\n)$/, '')
    let records: CsvRecord[]
    try {
      records = tokenizeCsv(raw, this.source)
    } catch (e) {
      if (!(e instanceof CsvError)) throw e
      throw new CsvError(
        e.code,
        { source: this.source, line: start + (e.line ?? 1) - 1 },
        'unterminated quoted cell',
      )
    }
    for (const r of records) out.push({ line: start + r.line - 1, cells: r.cells, raw })
  }
}

/**
 * Whether text ends outside a quoted cell, by tokenizeCsv's rules: a quote opens a quoted part only while
 * the cell so far is blank (trim() === ''), `""` inside quotes is one quote, and after a quoted part
 * spaces and tabs are dropped.
 */
function closesQuotes(text: string): boolean {
  let inQuotes = false
  let quoted = false
  let blank = true
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          i++
          blank = false
        } else inQuotes = false
      } else if (blank && !WHITE.test(ch)) blank = false
      continue
    }
    if (ch === '"' && blank) {
      inQuotes = true
      quoted = true
    } else if (ch === ',') {
      quoted = false
      blank = true
    } else if (!(quoted && (ch === ' ' || ch === '\t')) && blank && !WHITE.test(ch)) blank = false
  }
  return !inQuotes
}

const WHITE = /^\s$/

export class CsvRecordTooLong extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
  ) {
    super(`${source}:${line}: a record longer than ${MAX_RECORD_CHARS} characters (unclosed quote?)`)
  }
}
