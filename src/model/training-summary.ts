import type { Forest } from '../ml/flat-tree.js'

/**
 * What a page needs to build its inputs for a model (metadata field `training_summary`): per feature the
 * range, mean, median and number of decimals seen in the training CSV, and per class its row count, its
 * typical row (the medoid on standardised features: a real row, unlike a mean) and a spread sample of rows
 * (for a scatter plot). A model imported without it (scikit-learn export) gets ranges from the values
 * where its trees split instead (`basis: "split-thresholds"`), with no means, medians or rows.
 */
export interface FeatureSummary {
  name: string
  min: number | null
  max: number | null
  mean: number | null
  median: number | null
  /** Most decimals written in a value of this column (0 for integers), at most MAX_DECIMALS. */
  decimals: number
}

export interface ClassSummary {
  name: string
  /** Training rows of this class (null when the basis is the trees). */
  count: number | null
  typical: number[]
  examples: number[][]
}

export interface TrainingSummary {
  basis: 'training-data' | 'split-thresholds'
  /** Rows in the training CSV (null when the basis is the trees). */
  rows: number | null
  features: FeatureSummary[]
  classes: ClassSummary[]
}

/** Sample rows kept over all classes (a scatter plot's worth); classes share it by their size. */
export const MAX_EXAMPLE_ROWS = 300
const MAX_DECIMALS = 6
/** Rows per class considered for the medoid (it is quadratic in them). */
const MEDOID_POOL = 400

/** Decimals as written by the shortest round-trip form: 5.1 -> 1, 1065 -> 0, 1e-7 -> MAX_DECIMALS. */
export function decimalsOf(value: number): number {
  const text = String(value)
  const exp = /e([+-]\d+)$/.exec(text)
  const [mantissa] = text.split('e')
  const fraction = mantissa!.split('.')[1]?.length ?? 0
  const shift = exp ? Number(exp[1]) : 0
  return Math.min(MAX_DECIMALS, Math.max(0, fraction - shift))
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Evenly spread indices: k of 0..n-1, first and order kept (deterministic, so the file is reproducible). */
function spread(n: number, k: number): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i)
  return Array.from({ length: k }, (_, i) => Math.floor((i * n) / k))
}

/** The row with the smallest total distance to the others, after scaling each feature by its std. */
function medoid(rows: readonly (readonly number[])[], scale: readonly number[]): number[] {
  const pool = spread(rows.length, MEDOID_POOL).map((i) => rows[i]!)
  let best = pool[0]!
  let bestTotal = Number.POSITIVE_INFINITY
  for (const a of pool) {
    let total = 0
    for (const b of pool) {
      let sq = 0
      for (let f = 0; f < a.length; f++) sq += ((a[f]! - b[f]!) / scale[f]!) ** 2
      total += Math.sqrt(sq)
    }
    if (total < bestTotal) {
      bestTotal = total
      best = a
    }
  }
  return [...best]
}

/** The summary of a labelled dataset (rows X, labels y); `classes` gives the order (the model's). */
export function summariseTrainingData(
  X: readonly (readonly number[])[],
  y: readonly string[],
  featureNames: readonly string[],
  classes: readonly string[],
): TrainingSummary {
  if (X.length === 0) throw new RangeError('cannot summarise an empty dataset')
  const stds: number[] = []
  const features = featureNames.map((name, f): FeatureSummary => {
    const column = X.map((row) => row[f]!)
    const sorted = [...column].sort((a, b) => a - b)
    const mean = column.reduce((s, v) => s + v, 0) / column.length
    const variance = column.reduce((s, v) => s + (v - mean) ** 2, 0) / column.length
    stds.push(Math.sqrt(variance) || 1)
    const decimals = Math.max(...column.map(decimalsOf))
    // Two decimals more than the data has: enough for a page, without float noise in the file.
    const round = (v: number) => Number(v.toFixed(Math.min(decimals + 2, 12)))
    return {
      name,
      min: sorted[0]!,
      max: sorted.at(-1)!,
      mean: round(mean),
      median: round(median(sorted)),
      decimals,
    }
  })
  const byClass = new Map<string, number[][]>(classes.map((c) => [c, []]))
  X.forEach((row, i) => {
    byClass.get(y[i]!)?.push([...row])
  })
  const summaries = classes.map((name): ClassSummary => {
    const rows = byClass.get(name)!
    const share = Math.max(1, Math.floor((MAX_EXAMPLE_ROWS * rows.length) / X.length))
    return {
      name,
      count: rows.length,
      typical: rows.length ? medoid(rows, stds) : [],
      examples: spread(rows.length, share).map((i) => rows[i]!),
    }
  })
  return { basis: 'training-data', rows: X.length, features, classes: summaries }
}

/**
 * For a model without its training data: per feature the lowest and highest split threshold (where the
 * model's answer can change), null for a feature no tree splits on.
 */
export function summariseSplits(
  forest: Forest,
  featureNames: readonly string[],
  classes: readonly string[],
): TrainingSummary {
  const lo = new Array<number>(forest.nFeatures).fill(Number.POSITIVE_INFINITY)
  const hi = new Array<number>(forest.nFeatures).fill(Number.NEGATIVE_INFINITY)
  let decimals = 0
  for (const tree of forest.trees) {
    for (let n = 0; n < tree.nodeCount; n++) {
      if (tree.childrenLeft[n]! < 0) continue
      const f = tree.feature[n]!
      const t = tree.threshold[n]!
      lo[f] = Math.min(lo[f]!, t)
      hi[f] = Math.max(hi[f]!, t)
      decimals = Math.max(decimals, Math.min(3, decimalsOf(t)))
    }
  }
  return {
    basis: 'split-thresholds',
    rows: null,
    features: featureNames.map((name, f) => ({
      name,
      min: Number.isFinite(lo[f]!) ? lo[f]! : null,
      max: Number.isFinite(hi[f]!) ? hi[f]! : null,
      mean: null,
      median: null,
      decimals,
    })),
    classes: classes.map((name) => ({ name, count: null, typical: [], examples: [] })),
  }
}
