import type { Forest } from './flat-tree.js'
import { applyTree } from './tree.js'

/**
 * The plain definition of predict_proba, kept as the oracle the fast predictor is tested
 * against: walk each tree node by node (float32 input <= threshold goes left), add the leaf's
 * distribution in tree order, divide by the number of trees.
 */
export function referencePredictProba(forest: Forest, rows: Float64Array, nRows: number): Float64Array {
  const { nFeatures, nClasses, trees } = forest
  const out = new Float64Array(nRows * nClasses)
  for (let r = 0; r < nRows; r++) {
    for (const tree of trees) {
      const leaf = applyTree(tree, rows, r * nFeatures)
      for (let k = 0; k < nClasses; k++) out[r * nClasses + k] += tree.value[leaf * nClasses + k]!
    }
  }
  for (let i = 0; i < out.length; i++) out[i] /= trees.length
  return out
}
