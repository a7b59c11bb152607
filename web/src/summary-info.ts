// GET /model's `training_summary` (src/model/training-summary.ts), read defensively: the page builds its
// inputs, examples and scatter plot from it. Anything malformed is dropped (the page then says it has no
// summary) rather than drawn from guesses.

export interface FeatureStats {
  name: string
  min: number | null
  max: number | null
  mean: number | null
  median: number | null
  decimals: number
}

export interface ClassRows {
  name: string
  count: number | null
  /** The class's typical training row (its medoid), or null when unknown. */
  typical: number[] | null
  examples: number[][]
}

export interface SummaryInfo {
  /** Where the ranges come from: the training CSV, or the model's split thresholds (imported models). */
  basis: 'training-data' | 'split-thresholds'
  rows: number | null
  features: FeatureStats[]
  classes: ClassRows[]
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const isRow = (v: unknown, n: number): v is number[] =>
  Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x))

/** The summary when it matches the model's features and classes (in order), else null. */
export function readSummary(
  raw: unknown,
  features: readonly string[],
  classes: readonly string[],
): SummaryInfo | null {
  if (!isObj(raw) || (raw.basis !== 'training-data' && raw.basis !== 'split-thresholds')) return null
  if (!Array.isArray(raw.features) || raw.features.length !== features.length) return null
  if (!Array.isArray(raw.classes) || raw.classes.length !== classes.length) return null
  const stats: FeatureStats[] = []
  for (const [i, f] of raw.features.entries()) {
    if (!isObj(f) || f.name !== features[i]) return null
    const decimals = typeof f.decimals === 'number' && Number.isInteger(f.decimals) ? f.decimals : 2
    stats.push({
      name: features[i]!,
      min: numOrNull(f.min),
      max: numOrNull(f.max),
      mean: numOrNull(f.mean),
      median: numOrNull(f.median),
      decimals: Math.max(0, Math.min(6, decimals)),
    })
  }
  const rows: ClassRows[] = []
  for (const [i, c] of raw.classes.entries()) {
    if (!isObj(c) || c.name !== classes[i]) return null
    rows.push({
      name: classes[i]!,
      count: numOrNull(c.count),
      typical: isRow(c.typical, features.length) ? c.typical : null,
      examples: Array.isArray(c.examples) ? c.examples.filter((r) => isRow(r, features.length)) : [],
    })
  }
  return { basis: raw.basis, rows: numOrNull(raw.rows), features: stats, classes: rows }
}
