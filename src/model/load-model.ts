import { choosePredictor, type PredictorChoice } from '../ml/compiled-predictor.js'
import type { Forest } from '../ml/flat-tree.js'
import { FeatureCountError, LengthMismatchError, NonFiniteInputError } from '../ml/index.js'
import { explainerOnDemand, type ForestExplanation } from '../ml/treeshap.js'
import { loadArtifact, modelNameOf } from './artifact.js'
import type { ModelMetadata, PredictionModel } from './types.js'

/**
 * A PredictionModel (./types.ts, the one interface the API and CLI use) backed by a compiled random forest
 * read from a file, with the forest and paths for tools that need them. Immutable once built (frozen object, frozen metadata), so a server can
 * hold one and swap it for another on reload without readers ever seeing a mix of the two.
 */
export interface ForestModel extends PredictionModel {
  readonly modelType: string
  readonly source: string
  readonly modelPath: string
  /** The metadata file read, or null when it was absent and the metadata was derived from the model. */
  readonly metadataPath: string | null
  /** The trees as flat typed arrays (for explainers); treat as read-only. */
  readonly forest: Forest
  /** Which predictor was compiled at load (wasm, generated-js or the walker), its build time, fallbacks. */
  readonly predictor: PredictorChoice
  /** Exact TreeSHAP per row and class; always present on a loaded forest. */
  explain(rows: Float64Array, nRows: number): ForestExplanation
  /** Labels for nested rows (validated): a convenience over predictIndices. */
  predict(rows: readonly (readonly number[])[]): string[]
}

/**
 * Loads, validates and compiles a model file (and its `_metadata.json` if present). Throws ModelLoadError,
 * also for a file larger than `maxBytes` (refused before it is read).
 */
export async function loadModel(modelPath: string, maxBytes?: number): Promise<ForestModel> {
  const artifact = await loadArtifact(modelPath, maxBytes)
  const { model } = artifact
  const { forest } = model
  const predictor = choosePredictor(forest)
  const nFeatures = forest.nFeatures
  const classes = Object.freeze([...model.classes])

  const check = (rows: Float64Array, nRows: number) => {
    if (!Number.isInteger(nRows) || nRows < 0)
      throw new LengthMismatchError('nRows', rows.length / nFeatures, nRows)
    if (rows.length !== nRows * nFeatures) {
      if (nRows > 0 && rows.length % nRows === 0)
        throw new FeatureCountError(nFeatures, rows.length / nRows, 0)
      throw new LengthMismatchError(`rows (nRows * ${nFeatures} features)`, nRows * nFeatures, rows.length)
    }
    // Trees compare float32(x), as scikit-learn does; a value beyond float32's range is refused like NaN.
    for (let i = 0; i < rows.length; i++) {
      if (!Number.isFinite(Math.fround(rows[i]!))) {
        throw new NonFiniteInputError(Math.floor(i / nFeatures), i % nFeatures, rows[i])
      }
    }
  }
  const predictProba = (rows: Float64Array, nRows: number) => {
    check(rows, nRows)
    return predictor.predictProba(rows, nRows)
  }
  const predictIndices = (rows: Float64Array, nRows: number) => {
    check(rows, nRows)
    return predictor.predictIndices(rows, nRows)
  }
  const explainRows = explainerOnDemand(forest)
  const explain = (rows: Float64Array, nRows: number) => {
    check(rows, nRows)
    return explainRows(rows, nRows)
  }

  const loaded: ForestModel = {
    name: modelNameOf(modelPath),
    version: artifact.modelVersion,
    modelType: model.modelType,
    source: model.source,
    modelPath,
    metadataPath: artifact.metadataPath,
    featureNames: Object.freeze([...model.featureNames]),
    classes,
    nFeatures,
    nClasses: forest.nClasses,
    metadata: deepFreeze(artifact.metadata) as ModelMetadata,
    reference: deepFreeze(model.reference),
    forest,
    predictor: predictor.choice,
    predictProba,
    predictIndices,
    explain,
    predict(rows) {
      const flat = new Float64Array(rows.length * nFeatures)
      rows.forEach((row, r) => {
        if (row.length !== nFeatures) throw new FeatureCountError(nFeatures, row.length, r)
        for (let f = 0; f < nFeatures; f++) flat[r * nFeatures + f] = row[f]!
      })
      return Array.from(predictIndices(flat, rows.length), (i) => classes[i]!)
    },
  }
  return Object.freeze(loaded)
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}
