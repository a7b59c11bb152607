import { EmptyTrainingDataError, FeatureCountError, NonFiniteInputError } from './errors.js'

export type Rows = readonly (readonly number[])[]

/**
 * Checks rows (each exactly nFeatures finite numbers, also finite once cast to float32 as the
 * trees compare them) and copies them row-major into one Float64Array for the predictor.
 */
export function rowsToMatrix(rows: Rows, nFeatures: number, out?: Float64Array): Float64Array {
  const m = out && out.length >= rows.length * nFeatures ? out : new Float64Array(rows.length * nFeatures)
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    if (!Array.isArray(row) || row.length !== nFeatures)
      throw new FeatureCountError(nFeatures, Array.isArray(row) ? row.length : 0, i)
    for (let j = 0; j < nFeatures; j++) {
      const v = row[j]
      if (typeof v !== 'number' || !Number.isFinite(Math.fround(v))) throw new NonFiniteInputError(i, j, v)
      m[i * nFeatures + j] = v
    }
  }
  return m
}

/** Training matrix -> float32 column-major copy (scikit-learn casts X to float32 once). */
export function trainingColumns(X: Rows): { columns: Float32Array; nSamples: number; nFeatures: number } {
  if (X.length === 0) throw new EmptyTrainingDataError('X has no rows')
  const nFeatures = X[0]?.length ?? 0
  if (nFeatures === 0) throw new EmptyTrainingDataError('rows have no features')
  const nSamples = X.length
  const columns = new Float32Array(nSamples * nFeatures)
  for (let i = 0; i < nSamples; i++) {
    const row = X[i]!
    if (!Array.isArray(row) || row.length !== nFeatures)
      throw new FeatureCountError(nFeatures, Array.isArray(row) ? row.length : 0, i)
    for (let j = 0; j < nFeatures; j++) {
      const v = row[j]
      const f = typeof v === 'number' ? Math.fround(v) : Number.NaN
      if (!Number.isFinite(f)) throw new NonFiniteInputError(i, j, v)
      columns[j * nSamples + i] = f
    }
  }
  return { columns, nSamples, nFeatures }
}
