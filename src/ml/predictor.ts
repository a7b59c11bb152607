import { type Forest, LEAF } from './flat-tree.js'

/** A compiled forest: the server's hot path. Rows are row-major Float64Arrays. */
export interface ForestPredictor {
  readonly nFeatures: number
  readonly nClasses: number
  readonly nTrees: number
  /** Row-major nRows * nClasses probabilities: mean over trees of the leaf distributions. */
  predictProba(rows: Float64Array, nRows: number, out?: Float64Array): Float64Array
  /** Argmax of predictProba per row, ties to the lowest class index. */
  predictIndices(rows: Float64Array, nRows: number, out?: Int32Array): Int32Array
}

export function compileForest(forest: Forest): ForestPredictor {
  const { nFeatures, nClasses, trees } = forest
  const nTrees = trees.length
  const predictProba = (rows: Float64Array, nRows: number, out?: Float64Array): Float64Array => {
    const res = out ?? new Float64Array(nRows * nClasses)
    res.fill(0, 0, nRows * nClasses)
    for (const t of trees) {
      for (let r = 0; r < nRows; r++) {
        let node = 0
        while (t.childrenLeft[node] !== LEAF) {
          node =
            Math.fround(rows[r * nFeatures + t.feature[node]!]!) <= t.threshold[node]!
              ? t.childrenLeft[node]!
              : t.childrenRight[node]!
        }
        for (let k = 0; k < nClasses; k++) res[r * nClasses + k] += t.value[node * nClasses + k]!
      }
    }
    // Sum in tree order, then divide, as scikit-learn does (bit-for-bit the same means).
    for (let i = 0; i < nRows * nClasses; i++) res[i] /= nTrees
    return res
  }
  return {
    nFeatures,
    nClasses,
    nTrees,
    predictProba,
    predictIndices(rows, nRows, out) {
      const proba = predictProba(rows, nRows)
      const res = out ?? new Int32Array(nRows)
      for (let r = 0; r < nRows; r++) res[r] = argmaxRow(proba, r * nClasses, nClasses)
      return res
    },
  }
}

/** Index of the largest of a[offset, offset + n); ties go to the lowest index. */
export function argmaxRow(a: Float64Array, offset: number, n: number): number {
  let best = 0
  let bestValue = a[offset]!
  for (let k = 1; k < n; k++) {
    const v = a[offset + k]!
    if (v > bestValue) {
      bestValue = v
      best = k
    }
  }
  return best
}
