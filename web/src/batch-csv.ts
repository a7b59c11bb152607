// Reads pasted or uploaded CSV into rows, one per line, so one bad line never hides the others.
// A header is optional: the first line is a header when none of its cells is a number. With a header,
// feature columns are found by name (sepal_length_cm, "Sepal.Length", SepalLengthCm ...) and a species
// column is kept as the "given" label. Rows the page cannot read as numbers keep their cells as written,
// so they can still be sent to the API and the API's own error message shown.

export interface BatchRow {
  /** 1-based line number in the text. */
  readonly line: number
  /** The feature cells as written. */
  readonly cells: readonly string[]
  /** The numbers, when the row has exactly the expected count of finite numbers. */
  readonly values: readonly number[] | null
  /** Why the page could not read the row (null when `values` is set). */
  readonly problem: string | null
  /** The label from a species column, when the header has one. */
  readonly given: string | null
}

export interface ParsedBatch {
  readonly header: readonly string[] | null
  readonly rows: readonly BatchRow[]
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/
const LABEL_NAMES = new Set(['species', 'class', 'label', 'target', 'variety', 'name'])

function normalise(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .replace(/cm$/, '')
}

/** Whether a header cell names a label column: species, class, label, ... or one of `labelNames`. */
export function isLabelColumn(name: string, labelNames: readonly string[] = []): boolean {
  const n = normalise(name)
  return n !== '' && (LABEL_NAMES.has(n) || labelNames.some((l) => normalise(l) === n))
}

function splitLine(line: string, delimiter: string): string[] {
  return line.split(delimiter).map((cell) =>
    cell
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim(),
  )
}

function detectDelimiter(line: string): string {
  if (line.includes('\t')) return '\t'
  if (line.includes(';') && !line.includes(',')) return ';'
  return ','
}

function readRow(line: number, cells: readonly string[], expected: number, given: string | null): BatchRow {
  if (cells.length !== expected) {
    const problem = `has ${cells.length} value${cells.length === 1 ? '' : 's'}; expected ${expected}`
    return { line, cells, values: null, problem, given }
  }
  const values: number[] = []
  for (const [i, cell] of cells.entries()) {
    const column = `column ${i + 1}`
    if (cell === '') return { line, cells, values: null, problem: `${column} is empty`, given }
    if (!NUMBER.test(cell))
      return { line, cells, values: null, problem: `${column} ("${cell}") is not a number`, given }
    const value = Number(cell)
    if (!Number.isFinite(value)) {
      return {
        line,
        cells,
        values: null,
        problem: `${column} (${cell}) is too large to be a finite number`,
        given,
      }
    }
    values.push(value)
  }
  return { line, cells, values, problem: null, given }
}

/** `labelNames`: extra names of a label column (the model's training target, e.g. "cultivar"). */
export function parseBatch(
  text: string,
  featureNames: readonly string[],
  labelNames: readonly string[] = [],
): ParsedBatch {
  const lines = text.split(/\r\n|\n|\r/)
  const firstIndex = lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'))
  if (firstIndex < 0) return { header: null, rows: [] }
  const delimiter = detectDelimiter(lines[firstIndex]!)
  const firstCells = splitLine(lines[firstIndex]!, delimiter)
  const isHeader = firstCells.every((cell) => cell !== '' && !NUMBER.test(cell))

  let featureColumns: number[] | null = null
  let labelColumn = -1
  if (isHeader) {
    const names = firstCells.map(normalise)
    const wanted = featureNames.map(normalise)
    const found = wanted.map((w) => names.indexOf(w))
    if (found.every((i) => i >= 0)) featureColumns = found
    labelColumn = firstCells.findIndex((cell) => isLabelColumn(cell, labelNames))
  }

  const rows: BatchRow[] = []
  for (let i = isHeader ? firstIndex + 1 : firstIndex; i < lines.length; i++) {
    const raw = lines[i]!.trim()
    if (raw === '' || raw.startsWith('#')) continue
    const all = splitLine(raw, delimiter)
    const given = labelColumn >= 0 ? (all[labelColumn] ?? null) : null
    const cells = featureColumns
      ? featureColumns.filter((c) => c < all.length).map((c) => all[c]!)
      : all.filter((_, c) => c !== labelColumn)
    rows.push(readRow(i + 1, cells, featureNames.length, given))
  }
  return { header: isHeader ? firstCells : null, rows }
}

/**
 * A row as JSON for the API, keeping what was written: numbers as numbers (even 1e400, so the API can say
 * it is not finite), empty cells as null and anything else as a string, which the API refuses with its
 * own message naming the position.
 */
export function rowToJson(cells: readonly string[]): string {
  const parts = cells.map((cell) => {
    if (JSON_NUMBER.test(cell)) return cell
    if (NUMBER.test(cell) && Number.isFinite(Number(cell))) return String(Number(cell))
    if (cell === '') return 'null'
    return JSON.stringify(cell)
  })
  return `[${parts.join(',')}]`
}
