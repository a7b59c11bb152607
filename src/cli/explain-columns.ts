/**
 * `iris predict --explain`: TreeSHAP columns for each row's predicted class. `base_value` is the model's
 * mean output for that class over its training data and `contrib_<feature>` each feature's push toward
 * (> 0) or away from (< 0) it, so base_value + the sum of contrib_* = the class's probability (1e-9).
 * One class per row keeps the CSV narrow; POST /explain gives every class.
 */
import { argmaxRow } from '../ml/index.js'
import type { PredictionModel } from '../model/types.js'
import type { FlagSpec } from './parse.js'

export const EXPLAIN_FLAG: FlagSpec = {
  description:
    'add TreeSHAP columns for the predicted class: base_value + sum of contrib_<feature> = its probability',
}

export interface ExplainColumns {
  readonly header: string[]
  cells(row: number): string[]
}

export function explainColumns(
  model: PredictionModel,
  rows: Float64Array,
  nRows: number,
  proba: Float64Array,
): ExplainColumns {
  if (model.explain === undefined) throw new Error('this model cannot explain its predictions (no explainer)')
  const { expectedValue, contributions } = model.explain(rows, nRows)
  const k = model.nClasses
  const m = model.nFeatures
  return {
    header: ['base_value', ...model.featureNames.map((f) => `contrib_${f}`)],
    cells(r) {
      const c = argmaxRow(proba, r * k, k)
      const at = (r * k + c) * m
      return [String(expectedValue[c]), ...Array.from(contributions.subarray(at, at + m), String)]
    },
  }
}
