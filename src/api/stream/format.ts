/**
 * The bytes of a streamed prediction answer, in the request's own format:
 * - text/csv: a header (the input columns, `prediction`, and for /predict-proba `proba_<class>` per class),
 *   then per row the input record as received plus those cells;
 * - application/x-ndjson: per row `{"prediction":"<class>"}`, with `"probabilities":[...]` (class order of
 *   GET /model) for /predict-proba.
 * A stream stopped by a fault after the status line was sent ends with one error record (docs/streaming.md):
 * - CSV: `#error,<line>,<column>,<rows answered>,"<message>"` (column empty when the fault is the whole line);
 * - NDJSON: `{"error":"<message>","line":<n>,"column":<n>|null,"rows":<rows answered>}`.
 */
import type { RowBatch } from '../../data/row-stream.js'

export type StreamKind = 'csv' | 'ndjson'

export const STREAM_TYPES: Record<StreamKind, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
}

/** The stream kind of a Content-Type header value, or null for anything else. */
export function streamKindOf(contentType: string | undefined): StreamKind | null {
  const media = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase()
  if (media === 'text/csv') return 'csv'
  if (media === 'application/x-ndjson' || media === 'application/ndjson') return 'ndjson'
  return null
}

export interface StreamFault {
  message: string
  line: number | null
  column: number | null
}

/** Quotes a CSV cell when it needs it. */
export function csvCell(cell: string): string {
  return /[",\r\n]/.test(cell) || cell !== cell.trim() ? `"${cell.replaceAll('"', '""')}"` : cell
}

export class StreamFormatter {
  private readonly names: string[]

  constructor(
    readonly kind: StreamKind,
    private readonly classes: readonly string[],
    private readonly withProba: boolean,
  ) {
    this.names = kind === 'csv' ? classes.map(csvCell) : classes.map((c) => JSON.stringify(c))
  }

  /**
   * String(p) of a probability, cached: a forest's outputs take few distinct values (sums of leaf values),
   * and turning a double into its shortest text costs more than a map lookup. Bounded: cleared when full.
   */
  private readonly texts = new Map<number, string>()
  private num(p: number): string {
    let t = this.texts.get(p)
    if (t === undefined) {
      if (this.texts.size >= 1 << 16) this.texts.clear()
      t = String(p)
      this.texts.set(p, t)
    }
    return t
  }

  /** The first line (CSV only). */
  head(columns: readonly string[]): string {
    if (this.kind !== 'csv') return ''
    const proba = this.withProba ? this.classes.map((c) => `,${csvCell(`proba_${c}`)}`).join('') : ''
    return `${columns.map(csvCell).join(',')},prediction${proba}\n`
  }

  rows(batch: RowBatch, idx: Int32Array, proba: Float64Array | null): string {
    const k = this.classes.length
    let s = ''
    if (this.kind === 'csv') {
      for (let r = 0; r < batch.nRows; r++) {
        s += `${batch.echo[r]},${this.names[idx[r]!]}`
        if (proba) for (let c = 0, o = r * k; c < k; c++) s += `,${this.num(proba[o + c]!)}`
        s += '\n'
      }
      return s
    }
    for (let r = 0; r < batch.nRows; r++) {
      s += `{"prediction":${this.names[idx[r]!]}`
      if (proba) {
        s += ',"probabilities":['
        for (let c = 0, o = r * k; c < k; c++)
          s += c === 0 ? this.num(proba[o]!) : `,${this.num(proba[o + c]!)}`
        s += ']'
      }
      s += '}\n'
    }
    return s
  }

  error(fault: StreamFault, rows: number): string {
    if (this.kind === 'csv')
      return `#error,${fault.line ?? ''},${fault.column ?? ''},${rows},${csvCell(fault.message)}\n`
    return `${JSON.stringify({ error: fault.message, line: fault.line, column: fault.column, rows })}\n`
  }
}
