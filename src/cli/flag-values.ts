import { UsageError } from './usage-error.js'

// Plain decimal notation, so "1e2x", "0x10" or "" are refused rather than half-read.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

function num(flag: string, raw: string, expected: string): number {
  const v = raw.trim()
  if (!NUMBER.test(v)) throw new UsageError(`${flag} must be ${expected}, got "${raw}"`)
  return Number(v)
}

/** An integer in [min, max]. */
export function intFlag(flag: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const expected = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`
  const v = num(flag, raw, expected)
  if (!Number.isInteger(v) || v < min || v > max)
    throw new UsageError(`${flag} must be ${expected}, got "${raw}"`)
  return v
}

/**
 * An integer >= intMin, or a non-integer fraction in (0, fracMax] (scikit-learn's int-or-float
 * parameters). JavaScript has one number type, so "1.0" reads as the integer 1.
 */
export function countOrFraction(
  flag: string,
  raw: string,
  intMin: number,
  fracMax: number,
  fracMaxOpen = false,
): number {
  const expected = `an integer >= ${intMin} or a fraction in (0, ${fracMax}${fracMaxOpen ? ')' : ']'}`
  const v = num(flag, raw, expected)
  const ok = Number.isInteger(v) ? v >= intMin : v > 0 && (fracMaxOpen ? v < fracMax : v <= fracMax)
  if (!ok) throw new UsageError(`${flag} must be ${expected}, got "${raw}"`)
  return v
}

/** "none" or an integer >= min. */
export function optionalInt(flag: string, raw: string, min: number): number | null {
  return raw.trim().toLowerCase() === 'none' ? null : intFlag(flag, raw, min)
}

/** "sqrt" | "log2" | "all" | integer >= 1 | fraction in (0, 1). */
export function maxFeaturesFlag(raw: string): 'sqrt' | 'log2' | 'all' | number {
  const v = raw.trim().toLowerCase()
  if (v === 'sqrt' || v === 'log2' || v === 'all') return v
  if (!NUMBER.test(v))
    throw new UsageError(
      `--max-features must be sqrt, log2, all, an integer >= 1 or a fraction in (0, 1), got "${raw}"`,
    )
  return countOrFraction('--max-features', raw, 1, 1, true)
}

/** A fraction in (0, 1). */
export function fractionFlag(flag: string, raw: string): number {
  const v = num(flag, raw, 'a fraction in (0, 1)')
  if (!(v > 0 && v < 1)) throw new UsageError(`${flag} must be a fraction in (0, 1), got "${raw}"`)
  return v
}

/** A file-name-safe model name. */
export function nameFlag(raw: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(raw) || raw.endsWith('.json')) {
    throw new UsageError(`--name must be letters, digits, "_", "." or "-" (no path, no .json), got "${raw}"`)
  }
  return raw
}
