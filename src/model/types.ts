import type { ForestExplanation } from '../ml/treeshap.js'
import type { ReferenceProfile } from './reference-profile.js'

/**
 * What the API and CLI need from a loaded model. Implemented by ForestModel (model/load-model.ts).
 * Rows are passed row-major in one Float64Array (nRows * nFeatures) so the hot path copies once.
 */
export interface ModelMetadata {
  model_type: string
  model_version: string
  format_version: number
  feature_names: string[]
  target_names: string[]
  n_estimators: number
  hyperparameters: Record<string, unknown>
  metrics: Record<string, unknown> | null
  feature_importance: Record<string, number>
  train_samples: number | null
  test_samples: number | null
  cv_accuracy: { mean: number; std: number; folds: number[] } | null
  data_sha256: string | null
  created_at: string | null
  source: string
  [extra: string]: unknown
}

export interface PredictionModel {
  readonly name: string
  readonly version: string
  readonly featureNames: readonly string[]
  readonly classes: readonly string[]
  readonly nFeatures: number
  readonly nClasses: number
  readonly metadata: ModelMetadata
  /** The training data's profile for drift detection; null or absent when the model file has none. */
  readonly reference?: ReferenceProfile | null
  /** Returns nRows * nClasses probabilities, row-major, in `classes` order. */
  predictProba(rows: Float64Array, nRows: number): Float64Array
  /** Class index per row: argmax of predictProba, ties to the lowest index. */
  predictIndices(rows: Float64Array, nRows: number): Int32Array
  /** Exact TreeSHAP per row and class (src/ml/treeshap.ts); absent when the model cannot explain. */
  explain?(rows: Float64Array, nRows: number): ForestExplanation
}
