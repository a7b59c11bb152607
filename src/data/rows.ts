import { type CsvRecord, tokenizeCsv } from './csv-tokenize.js'
import { CsvError } from './errors.js'
import { looksNumeric, parseNumericCell } from './numbers.js'

/** A bad input row, reported rather than thrown so a caller can list every fault at once. */
export interface RowFault {
  line: number
  column?: string
  message: string
}

export interface FeatureRows {
  /** Input column names: the header if there was one, else the feature names. */
  columns: string[]
  hasHeader: boolean
  /** The input cells of each good row, as read (for echoing back). */
  cells: string[][]
  /** Good rows only, row-major, nRows * featureNames.length, in feature order. */
  rows: Float64Array
  nRows: number
  /** Line of each good row. */
  lines: number[]
  faults: RowFault[]
}

/**
 * Reads unlabelled feature rows for prediction. The header is optional: a first row with no numeric
 * cell is a header. With a header naming every feature, columns are picked by name (others are kept
 * but ignored); otherwise the row must hold exactly the features, in order.
 */
export function parseFeatureRows(
  text: string,
  featureNames: readonly string[],
  source = '<input>',
): FeatureRows {
  const records = tokenizeCsv(text, source)
  if (records.length === 0) throw new CsvError('EMPTY_FILE', { source }, 'the input is empty')
  const first = records[0]!
  const hasHeader = first.cells.every((c) => !looksNumeric(c))
  const columns = hasHeader ? first.cells : [...featureNames]
  const pick = hasHeader ? pickByHeader(first, featureNames, source) : featureNames.map((_, j) => j)
  const body = hasHeader ? records.slice(1) : records
  if (body.length === 0)
    throw new CsvError('HEADER_ONLY', { source, line: first.line }, 'no data rows after the header')

  const nFeatures = featureNames.length
  const rows = new Float64Array(body.length * nFeatures)
  const result: FeatureRows = { columns, hasHeader, cells: [], rows, nRows: 0, lines: [], faults: [] }
  for (const { line, cells } of body) {
    if (cells.length !== columns.length) {
      result.faults.push({ line, message: `expected ${columns.length} cells, got ${cells.length}` })
      continue
    }
    const offset = result.nRows * nFeatures
    let bad = false
    for (let k = 0; k < nFeatures; k++) {
      const j = pick[k]!
      const parsed = parseNumericCell(cells[j]!)
      if (parsed.ok) {
        rows[offset + k] = parsed.value
        continue
      }
      const what = parsed.reason === 'missing' ? 'missing value' : `${parsed.reason} value "${cells[j]}"`
      result.faults.push({ line, column: `${j + 1} "${columns[j]}"`, message: what })
      bad = true
    }
    if (bad) continue
    result.cells.push(cells)
    result.lines.push(line)
    result.nRows++
  }
  result.rows = rows.subarray(0, result.nRows * nFeatures)
  return result
}

function pickByHeader(header: CsvRecord, featureNames: readonly string[], source: string): number[] {
  const byName = featureNames.map((name) => header.cells.indexOf(name))
  if (byName.every((j) => j >= 0)) return byName
  if (header.cells.length === featureNames.length) return featureNames.map((_, j) => j)
  const missing = featureNames.filter((_, k) => byName[k]! < 0)
  throw new CsvError(
    'MISSING_FEATURE',
    { source, line: header.line },
    `header lacks feature column(s) ${missing.map((m) => `"${m}"`).join(', ')} and does not have exactly ${featureNames.length} columns`,
  )
}

/** Formats a fault as "source:line (column c): message". */
export function formatRowFault(source: string, fault: RowFault): string {
  return `${source}:${fault.line}${fault.column ? ` (column ${fault.column})` : ''}: ${fault.message}`
}
