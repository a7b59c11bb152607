import { describe, Fault, isObject, type JsonObject } from './json-checks.js'
import type { TrainingSummary } from './training-summary.js'

/**
 * Checks a metadata file's `training_summary` against its model (the page builds its inputs from it, so a
 * wrong one is refused at load like any other fault): one entry per feature and per class, in the model's
 * order, numbers finite, rows as long as the feature list. Throws Fault naming the path.
 */
export function checkTrainingSummary(
  raw: unknown,
  featureNames: readonly string[],
  classes: readonly string[],
): TrainingSummary {
  const at = 'training_summary'
  if (!isObject(raw)) throw new Fault(`${at} is ${describe(raw)}, expected an object`)
  if (raw.basis !== 'training-data' && raw.basis !== 'split-thresholds') {
    throw new Fault(`${at}.basis is ${describe(raw.basis)}, expected "training-data" or "split-thresholds"`)
  }
  optionalInt(raw, 'rows', at)
  const features = list(raw, 'features', at, featureNames.length, 'features')
  features.forEach((f, i) => {
    const path = `${at}.features[${i}]`
    if (!isObject(f)) throw new Fault(`${path} is ${describe(f)}, expected an object`)
    if (f.name !== featureNames[i]) {
      throw new Fault(`${path}.name is ${describe(f.name)}, expected the model's "${featureNames[i]}"`)
    }
    for (const key of ['min', 'max', 'mean', 'median']) optionalNumber(f, key, path)
    if (
      typeof f.decimals !== 'number' ||
      !Number.isInteger(f.decimals) ||
      f.decimals < 0 ||
      f.decimals > 12
    ) {
      throw new Fault(`${path}.decimals is ${describe(f.decimals)}, expected an integer from 0 to 12`)
    }
  })
  const classList = list(raw, 'classes', at, classes.length, 'classes')
  classList.forEach((c, i) => {
    const path = `${at}.classes[${i}]`
    if (!isObject(c)) throw new Fault(`${path} is ${describe(c)}, expected an object`)
    if (c.name !== classes[i]) {
      throw new Fault(`${path}.name is ${describe(c.name)}, expected the model's "${classes[i]}"`)
    }
    optionalInt(c, 'count', path)
    row(c.typical, `${path}.typical`, featureNames.length, true)
    if (!Array.isArray(c.examples))
      throw new Fault(`${path}.examples is ${describe(c.examples)}, expected an array`)
    for (const [j, r] of c.examples.entries()) row(r, `${path}.examples[${j}]`, featureNames.length, false)
  })
  return raw as unknown as TrainingSummary
}

function list(obj: JsonObject, key: string, at: string, length: number, what: string): unknown[] {
  const v = obj[key]
  if (!Array.isArray(v)) throw new Fault(`${at}.${key} is ${describe(v)}, expected an array`)
  if (v.length !== length)
    throw new Fault(`${at}.${key} has ${v.length} entries; the model has ${length} ${what}`)
  return v
}

function optionalNumber(obj: JsonObject, key: string, at: string): void {
  const v = obj[key]
  if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) {
    throw new Fault(`${at}.${key} is ${describe(v)}, expected a finite number or null`)
  }
}

function optionalInt(obj: JsonObject, key: string, at: string): void {
  const v = obj[key]
  if (v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
    throw new Fault(`${at}.${key} is ${describe(v)}, expected a non-negative integer or null`)
  }
}

/** A row of feature values; `emptyOk` for a class's typical row when it is unknown. */
function row(v: unknown, at: string, length: number, emptyOk: boolean): void {
  if (!Array.isArray(v)) throw new Fault(`${at} is ${describe(v)}, expected an array`)
  if (emptyOk && v.length === 0) return
  if (v.length !== length) throw new Fault(`${at} has ${v.length} values, expected ${length}`)
  v.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new Fault(`${at}[${i}] = ${describe(x)} is not a finite number`)
  })
}
