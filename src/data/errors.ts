/**
 * Typed errors for tabular input. Each names the source (file name or "<input>"), the 1-based line and,
 * where it applies, the column, so a user can jump straight to the faulty cell.
 */
export type CsvErrorCode =
  | 'EMPTY_FILE'
  | 'HEADER_ONLY'
  | 'NO_HEADER'
  | 'MISSING_VALUE'
  | 'NON_NUMERIC'
  | 'NON_FINITE'
  | 'RAGGED_ROW'
  | 'UNKNOWN_TARGET'
  | 'DUPLICATE_COLUMN'
  | 'ONE_CLASS'
  | 'UNTERMINATED_QUOTE'
  | 'MISSING_FEATURE'
  | 'UNREADABLE'

export interface CsvErrorLocation {
  source: string
  line?: number
  column?: string
}

export class CsvError extends Error {
  override readonly name = 'CsvError'
  readonly code: CsvErrorCode
  readonly source: string
  readonly line: number | undefined
  readonly column: string | undefined

  constructor(code: CsvErrorCode, where: CsvErrorLocation, detail: string) {
    super(`${formatLocation(where)}: ${detail}`)
    this.code = code
    this.source = where.source
    this.line = where.line
    this.column = where.column
  }
}

function formatLocation({ source, line, column }: CsvErrorLocation): string {
  let at = source
  if (line !== undefined) at += `:${line}`
  if (column !== undefined) at += ` (column ${column})`
  return at
}
