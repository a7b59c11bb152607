import type { Forest } from '../ml/flat-tree.js'

/**
 * Mean decrease in gini impurity per feature, as scikit-learn's `feature_importances_`: per tree the
 * weighted impurity decrease of each split, normalised to sum 1; then the mean over trees that split at
 * least once, normalised again. Used to derive metadata for imported models that ship without it.
 */
export function impurityImportances(forest: Forest): Float64Array {
  const total = new Float64Array(forest.nFeatures)
  let counted = 0
  for (const tree of forest.trees) {
    if (tree.nodeCount <= 1) continue
    const imp = new Float64Array(forest.nFeatures)
    const w = tree.weightedNNodeSamples
    for (let n = 0; n < tree.nodeCount; n++) {
      const l = tree.childrenLeft[n]!
      if (l < 0) continue
      const r = tree.childrenRight[n]!
      imp[tree.feature[n]!] +=
        w[n]! * gini(tree.value, n, forest.nClasses) -
        w[l]! * gini(tree.value, l, forest.nClasses) -
        w[r]! * gini(tree.value, r, forest.nClasses)
    }
    normalise(imp)
    for (let f = 0; f < imp.length; f++) total[f] += imp[f]!
    counted++
  }
  if (counted > 0) for (let f = 0; f < total.length; f++) total[f] /= counted
  normalise(total)
  return total
}

function gini(value: Float64Array, node: number, nClasses: number): number {
  let sum = 0
  let sq = 0
  for (let c = 0; c < nClasses; c++) {
    const v = value[node * nClasses + c]!
    sum += v
    sq += v * v
  }
  return sum > 0 ? 1 - sq / (sum * sum) : 0
}

function normalise(a: Float64Array): void {
  let s = 0
  for (const v of a) s += v
  if (s > 0) for (let i = 0; i < a.length; i++) a[i] /= s
}
