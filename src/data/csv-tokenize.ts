import { CsvError } from './errors.js'

/** One CSV record with the 1-based line it starts on (for error messages). */
export interface CsvRecord {
  line: number
  cells: string[]
}

/**
 * Splits CSV text into records. Handles a UTF-8 BOM, CRLF / LF / CR line ends, RFC 4180 quoting
 * ("a,b", doubled quotes, newlines inside quotes) and skips blank lines, so a trailing newline or a
 * stray empty line at the end never becomes a ragged row. Cells are trimmed unless quoted.
 * Pure: no file access, so the API, UI and CLI share it.
 */
export function tokenizeCsv(text: string, source: string): CsvRecord[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  const records: CsvRecord[] = []
  let cells: string[] = []
  let cell = ''
  let quoted = false
  let inQuotes = false
  let line = 1
  let recordLine = 1
  let quotedBlank = false // the current record has a quoted cell, so it is not a blank line
  let i = 0
  const n = text.length

  const endCell = () => {
    cells.push(quoted ? cell : cell.trim())
    cell = ''
    quoted = false
  }
  const endRecord = () => {
    endCell()
    // A record of one empty, unquoted cell is a blank line: skip it.
    if (!(cells.length === 1 && cells[0] === '' && !quotedBlank)) records.push({ line: recordLine, cells })
    cells = []
    quotedBlank = false
  }

  while (i < n) {
    const ch = text[i]!
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"'
          i += 2
          continue
        }
        inQuotes = false
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++
        cell += ch
      }
      i++
      continue
    }
    if (ch === '"' && cell.trim() === '') {
      inQuotes = true
      quoted = true
      quotedBlank = true
      cell = ''
    } else if (ch === ',') {
      endCell()
    } else if (ch === '\r' || ch === '\n') {
      endRecord()
      if (ch === '\r' && text[i + 1] === '\n') i++
      line++
      recordLine = line
    } else if (!(quoted && (ch === ' ' || ch === '\t'))) {
      // Whitespace after a closing quote is ignored; anything else is kept.
      cell += ch
    }
    i++
  }
  if (inQuotes)
    throw new CsvError('UNTERMINATED_QUOTE', { source, line: recordLine }, 'unterminated quoted cell')
  if (cell !== '' || cells.length > 0 || quoted) endRecord()
  return records
}
