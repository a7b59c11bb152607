import { tokenizeCsv } from './csv-tokenize.js'
import { CsvError } from './errors.js'
import { looksNumeric, parseNumericCell } from './numbers.js'

/** A labelled numeric dataset: X row-major as nested arrays, y as string labels. */
export interface LabelledDataset {
  X: number[][]
  y: string[]
  featureNames: string[]
  targetName: string
  /** Sorted unique labels: the class order scikit-learn's `classes_` uses. */
  classNames: string[]
}

export interface ParseCsvOptions {
  /** Name used in error messages, usually the file path. */
  source?: string
  /** Label column name; defaults to the last column. */
  target?: string
  /** Accept rows of a single class (a part of a dataset, e.g. feedback rows added to training data). */
  oneClassOk?: boolean
}

/**
 * Parses a labelled CSV (header row, numeric feature columns, one label column). Pure: reading the
 * file and hashing its bytes live in load.ts. Every refusal is a CsvError naming source, line and column.
 */
export function parseLabelledCsv(text: string, options: ParseCsvOptions = {}): LabelledDataset {
  const source = options.source ?? '<input>'
  const records = tokenizeCsv(text, source)
  if (records.length === 0) throw new CsvError('EMPTY_FILE', { source }, 'the file is empty (no header row)')
  const [header, ...rows] = records
  const columns = readHeader(header!.cells, header!.line, source)
  if (rows.length === 0) {
    throw new CsvError(
      'HEADER_ONLY',
      { source, line: header!.line },
      'the file has a header but no data rows',
    )
  }

  const targetName = options.target ?? columns[columns.length - 1]!
  const targetIndex = columns.indexOf(targetName)
  if (targetIndex < 0) {
    throw new CsvError(
      'UNKNOWN_TARGET',
      { source, line: header!.line },
      `target column "${targetName}" not found; columns are: ${columns.map((c) => `"${c}"`).join(', ')}`,
    )
  }
  if (columns.length < 2) {
    throw new CsvError(
      'HEADER_ONLY',
      { source, line: header!.line },
      'need at least one feature column besides the target',
    )
  }
  const featureIndices = columns.map((_, j) => j).filter((j) => j !== targetIndex)
  const featureNames = featureIndices.map((j) => columns[j]!)
  // A file without a header row: its first data row would silently become the column names.
  if (featureNames.every(looksNumeric)) {
    const first = header!.cells.join(',')
    throw new CsvError(
      'NO_HEADER',
      { source, line: header!.line },
      `the first row (${first.length > 60 ? `${first.slice(0, 60)}...` : first}) was taken as the header, but its feature names are numbers: add a header row naming the columns, e.g. ${featureNames.map((_, i) => `feature_${i + 1}`).join(',')},label`,
    )
  }

  const X: number[][] = []
  const y: string[] = []
  for (const { line, cells } of rows) {
    if (cells.length !== columns.length) {
      throw new CsvError(
        'RAGGED_ROW',
        { source, line },
        `expected ${columns.length} cells (as in the header), got ${cells.length}`,
      )
    }
    const label = cells[targetIndex]!
    if (label === '') {
      throw new CsvError(
        'MISSING_VALUE',
        { source, line, column: columnLabel(columns, targetIndex) },
        'missing label',
      )
    }
    const row = new Array<number>(featureIndices.length)
    for (let k = 0; k < featureIndices.length; k++) {
      const j = featureIndices[k]!
      const cell = cells[j]!
      const parsed = parseNumericCell(cell)
      if (!parsed.ok) {
        const where = { source, line, column: columnLabel(columns, j) }
        if (parsed.reason === 'missing')
          throw new CsvError('MISSING_VALUE', where, `missing value${quoteIfAny(cell)}`)
        if (parsed.reason === 'non-finite')
          throw new CsvError('NON_FINITE', where, `non-finite value "${cell}"`)
        throw new CsvError('NON_NUMERIC', where, `non-numeric value "${cell}"`)
      }
      row[k] = parsed.value
    }
    X.push(row)
    y.push(label)
  }

  const classNames = [...new Set(y)].sort(compareLabels)
  if (classNames.length < 2 && !(options.oneClassOk === true && classNames.length === 1)) {
    throw new CsvError(
      'ONE_CLASS',
      { source, column: columnLabel(columns, targetIndex) },
      `only one class ("${classNames[0]}") in ${y.length} rows; a classifier needs at least two`,
    )
  }
  return { X, y, featureNames, targetName, classNames }
}

/** Code-unit order, as numpy sorts string labels (and stable across locales). */
export function compareLabels(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function readHeader(cells: string[], line: number, source: string): string[] {
  const seen = new Map<string, number>()
  cells.forEach((name, j) => {
    if (name === '')
      throw new CsvError('MISSING_VALUE', { source, line, column: String(j + 1) }, 'empty column name')
    const first = seen.get(name)
    if (first !== undefined) {
      throw new CsvError(
        'DUPLICATE_COLUMN',
        { source, line, column: `${j + 1} "${name}"` },
        `duplicate column name (also column ${first + 1})`,
      )
    }
    seen.set(name, j)
  })
  return cells
}

function columnLabel(columns: readonly string[], j: number): string {
  return `${j + 1} "${columns[j]}"`
}

function quoteIfAny(cell: string): string {
  return cell === '' ? '' : ` "${cell}"`
}
