import { CsvRecordStream, CsvRecordTooLong, type StreamedRecord } from './csv-stream.js'
import { CsvError } from './errors.js'
import { looksNumeric, parseNumericCell } from './numbers.js'

/**
 * Feature rows from CSV or NDJSON text arriving in pieces, a batch per piece, for streaming prediction
 * (the API's text/csv and application/x-ndjson bodies, `iris predict`). Stops at the first bad line with a
 * RowStreamError naming the line and, where it applies, the 1-based column.
 */
export interface RowBatch {
  /** Row-major nRows * nFeatures, in feature order. Valid until the next call. */
  rows: Float64Array
  nRows: number
  /** Per row, the input as text to echo (CSV: the record; NDJSON: unused, ''). */
  echo: string[]
  /** Per row, the label cell when the input has a label column (CSV with a header naming one), else null. */
  labels: (string | null)[]
  /** The first bad line: the rows before it are in this batch; nothing after it is read. */
  fault: RowStreamError | null
}

export class RowStreamError extends Error {
  constructor(
    readonly line: number,
    readonly column: number | null,
    readonly detail: string,
  ) {
    super(`line ${line}${column === null ? '' : `, column ${column}`}: ${detail}`)
  }
}

export interface RowStream {
  /** Input column names to echo before the prediction columns (CSV), known once the first line is read. */
  readonly columns: readonly string[] | null
  push(text: string): RowBatch
  end(): RowBatch
  /** Rows read so far. */
  readonly rowCount: number
}

/** Column names taken as the label of a row (a species column carried through), lower-cased. */
export const LABEL_COLUMNS = new Set(['species', 'label', 'target', 'class', 'variety'])

const cut = (s: string) => (s.length > 100 ? `${s.slice(0, 100)}...` : s)

abstract class BatchingStream {
  protected rows: Float64Array
  protected nRows = 0
  protected echo: string[] = []
  protected labels: (string | null)[] = []
  rowCount = 0

  constructor(
    protected readonly nFeatures: number,
    private readonly maxRows: number,
  ) {
    this.rows = new Float64Array(1024 * nFeatures)
  }

  /** Room for one more row: its offset in `rows` (the row counts once `commitRow` is called). */
  protected nextRow(line: number): number {
    if (this.rowCount + 1 > this.maxRows)
      throw new RowStreamError(line, null, `more than ${this.maxRows} rows (MAX_STREAM_ROWS)`)
    const at = this.nRows * this.nFeatures
    if (at + this.nFeatures > this.rows.length) {
      const bigger = new Float64Array(this.rows.length * 2)
      bigger.set(this.rows)
      this.rows = bigger
    }
    return at
  }

  protected commitRow(echo: string, label: string | null): void {
    this.rowCount++
    this.nRows++
    this.echo.push(echo)
    this.labels.push(label)
  }

  /** Runs `read`, keeping the rows it added before a bad line and reporting that line in the batch. */
  protected collect(read: () => void): RowBatch {
    this.nRows = 0
    this.echo = []
    this.labels = []
    let fault: RowStreamError | null = null
    try {
      read()
    } catch (e) {
      if (!(e instanceof RowStreamError)) throw e
      fault = e
    }
    return { rows: this.rows, nRows: this.nRows, echo: this.echo, labels: this.labels, fault }
  }
}

/**
 * CSV rows. The header is optional: a first record with no numeric cell is one (as parseFeatureRows).
 * With a header, features are matched by name and every other column is carried through; a header
 * that lacks a feature but has exactly as many columns as features is taken positionally.
 */
export class CsvRowStream extends BatchingStream implements RowStream {
  private readonly records: CsvRecordStream
  columns: string[] | null = null
  private pick: number[] = []
  private labelAt = -1

  constructor(
    private readonly featureNames: readonly string[],
    maxRows: number,
    source = '<input>',
  ) {
    super(featureNames.length, maxRows)
    this.records = new CsvRecordStream(source)
  }

  push(text: string): RowBatch {
    return this.collect(() => this.take(() => this.records.push(text)))
  }

  end(): RowBatch {
    return this.collect(() => {
      this.take(() => this.records.end())
      if (this.columns === null) throw new RowStreamError(1, null, 'the body is empty')
    })
  }

  private take(read: () => StreamedRecord[]): void {
    let records: StreamedRecord[]
    try {
      records = read()
    } catch (e) {
      if (e instanceof CsvError) throw new RowStreamError(e.line ?? 1, null, 'unterminated quoted cell')
      if (e instanceof CsvRecordTooLong)
        throw new RowStreamError(e.line, null, 'record too long (unclosed quote?)')
      throw e
    }
    for (const r of records) {
      if (this.columns === null && this.header(r)) continue
      this.row(r)
    }
  }

  /** Reads the first record: true if it was a header. */
  private header(r: StreamedRecord): boolean {
    const names = this.featureNames
    if (!r.cells.every((c) => !looksNumeric(c))) {
      this.columns = [...names]
      this.pick = names.map((_, j) => j)
      return false
    }
    this.columns = r.cells
    const byName = names.map((n) => r.cells.indexOf(n))
    if (byName.every((j) => j >= 0)) this.pick = byName
    else if (r.cells.length === names.length) this.pick = names.map((_, j) => j)
    else {
      const k = byName.findIndex((j) => j < 0)
      throw new RowStreamError(r.line, null, `the header has no column "${cut(names[k]!)}"`)
    }
    this.labelAt = r.cells.findIndex((c, j) => !this.pick.includes(j) && LABEL_COLUMNS.has(c.toLowerCase()))
    return true
  }

  private row(r: StreamedRecord): void {
    const cells = r.cells
    const width = this.columns!.length
    if (cells.length !== width)
      throw new RowStreamError(r.line, null, `expected ${width} fields, got ${cells.length}`)
    const at = this.nextRow(r.line)
    for (let k = 0; k < this.nFeatures; k++) {
      const j = this.pick[k]!
      const cell = cells[j]!
      const value = looksNumeric(cell) ? Number(cell) : Number.NaN
      // Trees compare float32(x): a value beyond float32's range is refused like Infinity.
      if (Number.isFinite(Math.fround(value))) {
        this.rows[at + k] = value
        continue
      }
      const parsed = parseNumericCell(cell)
      const what = parsed.ok ? 'non-finite' : parsed.reason
      throw new RowStreamError(
        r.line,
        j + 1,
        `${what === 'missing' ? 'missing value' : `${what} value "${cut(cell)}"`} in "${cut(this.columns![j]!)}"`,
      )
    }
    this.commitRow(r.raw, this.labelAt >= 0 ? cells[this.labelAt]! : null)
  }
}

/** NDJSON rows: each non-blank line a JSON array of numbers, or an object with such an array as "input". */
export class NdjsonRowStream extends BatchingStream implements RowStream {
  readonly columns = null
  private carry = ''
  private line = 1

  push(text: string): RowBatch {
    return this.collect(() => {
      const s = this.carry + text
      let pos = 0
      for (let nl = s.indexOf('\n'); nl !== -1; nl = s.indexOf('\n', pos)) {
        this.parseLine(s.slice(pos, nl))
        pos = nl + 1
      }
      this.carry = s.slice(pos)
      if (this.carry.length > 1 << 20) throw new RowStreamError(this.line, null, 'line too long')
    })
  }

  end(): RowBatch {
    return this.collect(() => {
      const rest = this.carry
      this.carry = ''
      if (rest.trim() !== '') this.parseLine(rest)
      if (this.rowCount === 0) throw new RowStreamError(1, null, 'the body is empty')
    })
  }

  private parseLine(text: string): void {
    const line = this.line++
    if (text.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      throw new RowStreamError(line, null, 'not valid JSON')
    }
    let label: string | null = null
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const o = value as { input?: unknown; species?: unknown; label?: unknown }
      const l = o.species ?? o.label
      if (typeof l === 'string') label = l
      value = o.input
    }
    if (!Array.isArray(value))
      throw new RowStreamError(line, null, 'expected an array of numbers or {"input": [...]}')
    if (value.length !== this.nFeatures)
      throw new RowStreamError(line, null, `expected ${this.nFeatures} values, got ${value.length}`)
    const at = this.nextRow(line)
    for (let k = 0; k < this.nFeatures; k++) {
      const v = value[k]
      if (typeof v !== 'number' || !Number.isFinite(Math.fround(v)))
        throw new RowStreamError(
          line,
          k + 1,
          `expected a finite number, got ${cut(JSON.stringify(v) ?? 'nothing')}`,
        )
      this.rows[at + k] = v
    }
    this.commitRow('', label)
  }
}
