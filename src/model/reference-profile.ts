import { quantileSorted } from '../ml/stats/quantile.js'
import { describe, Fault, isObject, type JsonObject } from './json-checks.js'

/**
 * What drift detection compares live traffic with (docs/model-format.md, "reference"): per feature
 * the training values sorted, or for a big training set REFERENCE_POINTS evenly spaced quantiles of
 * them (a fixed size whatever the data), and the class priors of the training labels.
 */
export interface ReferenceProfile {
  /** Training rows the profile describes. */
  rows: number
  /** 'values': every training value; 'quantiles': REFERENCE_POINTS quantiles of them. */
  kind: 'values' | 'quantiles'
  /** Per feature, in the model's feature order, ascending. */
  features: Float64Array[]
  /** Per class, in the model's class order; sums to 1. */
  classPriors: number[]
}

export interface ReferenceJson {
  rows: number
  kind: 'values' | 'quantiles'
  class_priors: Record<string, number>
  features: Record<string, number[]>
}

/** Up to this many rows the values themselves are kept; above, this many quantiles. */
export const REFERENCE_POINTS = 1000

/** Quantile levels (i + 0.5) / REFERENCE_POINTS: each point stands for an equal share of the rows. */
export function referenceLevel(i: number, points = REFERENCE_POINTS): number {
  return (i + 0.5) / points
}

/** The profile of training rows X (row-major, featureNames order) and their labels y. */
export function buildReferenceProfile(
  X: readonly (readonly number[])[],
  y: readonly string[],
  featureNames: readonly string[],
  classes: readonly string[],
): ReferenceProfile {
  if (X.length === 0) throw new RangeError('a reference profile needs at least one training row')
  if (X.length !== y.length)
    throw new RangeError(`reference profile: ${X.length} rows but ${y.length} labels`)
  const rows = X.length
  const kind = rows <= REFERENCE_POINTS ? 'values' : 'quantiles'
  const features = featureNames.map((_, f) => {
    const sorted = Float64Array.from(X, (row) => row[f]!).sort()
    if (kind === 'values') return sorted
    return Float64Array.from({ length: REFERENCE_POINTS }, (_, i) =>
      quantileSorted(sorted, referenceLevel(i)),
    )
  })
  const counts = new Map(classes.map((c) => [c, 0]))
  for (const label of y) {
    const n = counts.get(label)
    if (n === undefined) throw new RangeError(`reference profile: label "${label}" is not one of the classes`)
    counts.set(label, n + 1)
  }
  return { rows, kind, features, classPriors: classes.map((c) => counts.get(c)! / rows) }
}

export function referenceToJson(
  profile: ReferenceProfile,
  featureNames: readonly string[],
  classes: readonly string[],
): ReferenceJson {
  return {
    rows: profile.rows,
    kind: profile.kind,
    class_priors: Object.fromEntries(classes.map((c, i) => [c, profile.classPriors[i]!])),
    features: Object.fromEntries(featureNames.map((name, f) => [name, Array.from(profile.features[f]!)])),
  }
}

const PRIOR_TOLERANCE = 1e-9

/** Checks a model file's "reference" object against the model's names. Throws Fault naming the place. */
export function validateReference(
  raw: unknown,
  featureNames: readonly string[],
  classes: readonly string[],
): ReferenceProfile {
  if (!isObject(raw)) throw new Fault(`reference is ${describe(raw)}, expected an object`)
  const rows = raw.rows
  if (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 1) {
    throw new Fault(`reference.rows is ${describe(rows)}, expected an integer >= 1`)
  }
  const kind = raw.kind
  if (kind !== 'values' && kind !== 'quantiles') {
    throw new Fault(`reference.kind is ${describe(kind)}, expected "values" or "quantiles"`)
  }
  const priors = namedObject(raw, 'class_priors', classes, 'classes')
  const classPriors = classes.map((c) => {
    const p = priors[c]
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new Fault(`reference.class_priors.${c} is ${describe(p)}, expected a number in [0, 1]`)
    }
    return p
  })
  const sum = classPriors.reduce((a, b) => a + b, 0)
  if (Math.abs(sum - 1) > PRIOR_TOLERANCE) throw new Fault(`reference.class_priors sum to ${sum}, expected 1`)
  const values = namedObject(raw, 'features', featureNames, 'feature_names')
  const features = featureNames.map((name) => {
    const list = values[name]
    const where = `reference.features.${name}`
    if (!Array.isArray(list) || list.length === 0)
      throw new Fault(`${where} is ${describe(list)}, expected a non-empty array`)
    if (kind === 'values' && list.length !== rows) {
      throw new Fault(`${where} has ${list.length} values, expected reference.rows = ${rows}`)
    }
    if (kind === 'quantiles' && list.length > rows) {
      throw new Fault(`${where} has ${list.length} quantiles, more than reference.rows = ${rows}`)
    }
    const out = new Float64Array(list.length)
    for (let i = 0; i < list.length; i++) {
      const v = list[i]
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new Fault(`${where}[${i}] = ${describe(v)} is not a finite number`)
      if (i > 0 && v < out[i - 1]!)
        throw new Fault(`${where}[${i}] = ${v} is below the value before it (must be ascending)`)
      out[i] = v
    }
    return out
  })
  return { rows, kind, features, classPriors }
}

function namedObject(raw: JsonObject, key: string, names: readonly string[], what: string): JsonObject {
  const v = raw[key]
  if (!isObject(v)) throw new Fault(`reference.${key} is ${describe(v)}, expected an object`)
  const keys = Object.keys(v)
  const missing = names.filter((n) => !(n in v))
  const extra = keys.filter((k) => !names.includes(k))
  if (missing.length > 0 || extra.length > 0) {
    throw new Fault(
      `reference.${key} must have one entry per name in ${what}` +
        (missing.length > 0 ? `; missing ${JSON.stringify(missing)}` : '') +
        (extra.length > 0 ? `; unknown ${JSON.stringify(extra.slice(0, 5))}` : ''),
    )
  }
  return v
}
