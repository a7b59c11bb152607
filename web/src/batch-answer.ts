import { isLabelColumn } from './batch-csv.js'

// What a streamed CSV answer of POST /predict-proba holds (docs/streaming.md): a header naming the input
// columns as received, `prediction` and one `proba_<class>` per class; then each input record with those
// cells added; and, when a bad line stopped the stream after rows were answered, a last error record
// `#error,<line>,<column>,<rows answered>,<message>`.

export interface AnswerLayout {
  /** The answer's header cells. */
  readonly header: readonly string[]
  /** How many input columns each record starts with (the prediction cell follows them). */
  readonly inputColumns: number
  /** The input column holding the true label (the model's label column, or species/class/...), or -1. */
  readonly labelIndex: number
  /** The class of each probability column, in order (`proba_setosa` -> `setosa`). */
  readonly classes: readonly string[]
}

/**
 * Reads the answer's header. `prediction` is found from the end: an input column may have any name,
 * but nothing but `proba_*` columns follows the added `prediction`.
 */
export function readLayout(header: readonly string[], labelNames: readonly string[]): AnswerLayout | null {
  const at = header.lastIndexOf('prediction')
  if (at < 0) return null
  const probas = header.slice(at + 1)
  if (!probas.every((h) => h.startsWith('proba_'))) return null
  const labelIndex = header.slice(0, at).findIndex((name) => isLabelColumn(name, labelNames))
  return { header, inputColumns: at, labelIndex, classes: probas.map((h) => h.slice('proba_'.length)) }
}

export interface ErrorRecord {
  readonly line: number | null
  readonly column: number | null
  /** Rows answered before the bad line. */
  readonly rows: number
  readonly message: string
}

const INTEGER = /^\d+$/

/** The error record, or null for any other record (the caller asks only about the last one). */
export function readErrorRecord(cells: readonly string[]): ErrorRecord | null {
  if (cells.length < 5 || cells[0] !== '#error') return null
  const [, line, column, rows] = cells as [string, string, string, string]
  const count = (text: string) => (INTEGER.test(text) ? Number(text) : null)
  if (count(rows) === null) return null
  return {
    line: count(line),
    column: count(column),
    rows: count(rows)!,
    // A message with a comma is quoted, so it is one cell; join in case a server ever sends it unquoted.
    message: cells.slice(4).join(','),
  }
}

/** "line 12, column 3: <message>": the wording of the API's 400 answers for the same fault. */
export function faultText(fault: Pick<ErrorRecord, 'line' | 'column' | 'message'>): string {
  const where =
    fault.line === null
      ? ''
      : `line ${fault.line}${fault.column === null ? '' : `, column ${fault.column}`}: `
  return `${where}${fault.message}`
}
