/** Cells read as "no value" rather than as a malformed number. */
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?'])

// Plain decimal notation only: Number() would also accept "0x1f", "1_0" or "" (as 0).
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

export type CellParse =
  | { ok: true; value: number }
  | { ok: false; reason: 'missing' | 'non-numeric' | 'non-finite' }

/** Parses one trimmed cell as a finite decimal number. */
export function parseNumericCell(cell: string): CellParse {
  if (MISSING.has(cell.toLowerCase())) return { ok: false, reason: 'missing' }
  if (!DECIMAL.test(cell)) {
    return /^[+-]?(inf|infinity)$/i.test(cell)
      ? { ok: false, reason: 'non-finite' }
      : { ok: false, reason: 'non-numeric' }
  }
  const value = Number(cell)
  return Number.isFinite(value) ? { ok: true, value } : { ok: false, reason: 'non-finite' }
}

/** True when a cell can be read as a number (used to tell a header row from a data row). */
export function looksNumeric(cell: string): boolean {
  return DECIMAL.test(cell)
}
