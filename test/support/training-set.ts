/** A TrainingSet from plain rows and integer labels, built the way the forest builds it. */
import type { TrainingSet } from '../../src/ml/splitter.js'
import { trainingColumns } from '../../src/ml/validate.js'

export function trainingSet(X: number[][], y: number[]): TrainingSet {
  const { columns, nSamples, nFeatures } = trainingColumns(X)
  return { nSamples, nFeatures, nClasses: Math.max(...y) + 1, columns, y: Int32Array.from(y) }
}
