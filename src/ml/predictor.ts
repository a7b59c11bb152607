import { type CompiledLayout, layoutForest, lowerBound } from './compiled-layout.js'
import type { Forest } from './flat-tree.js'

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

/** Rows walked together per tree: enough to hide load latency, small enough to stay in L1. */
const BLOCK = 256

/**
 * Compiles a forest for prediction (layout in compiled-layout.ts). Results are bit-for-bit
 * those of the plain walk (reference.ts): leaf values are summed in tree order, then divided
 * by the tree count, as scikit-learn does. Scratch buffers are reused across calls (calls are
 * synchronous), so a call allocates at most its result.
 */
export function compileForest(forest: Forest): ForestPredictor {
  const { nFeatures, nClasses } = forest
  const nTrees = forest.trees.length
  const layout = layoutForest(forest)
  // Deepest tree of each group of four trees, for walkOne's interleaved walk.
  const groupDepths = new Int32Array(nTrees >> 2)
  for (let t = 0; t < groupDepths.length * 4; t++)
    groupDepths[t >> 2] = Math.max(groupDepths[t >> 2]!, layout.depths[t]!)
  let ranks = new Int32Array(nFeatures * BLOCK)
  let probaScratch = new Float64Array(nClasses * BLOCK)

  const predictProba = (rows: Float64Array, nRows: number, out?: Float64Array): Float64Array => {
    const size = nRows * nClasses
    const res = out ?? new Float64Array(size)
    res.fill(0, 0, size)
    if (ranks.length < nRows * nFeatures) ranks = new Int32Array(nRows * nFeatures)
    rankRows(layout, nFeatures, rows, nRows, ranks)
    if (nRows < 4) {
      for (let r = 0; r < nRows; r++)
        walkOne(layout, groupDepths, nTrees, nClasses, ranks, r * nFeatures, res, r * nClasses)
    } else {
      for (let r0 = 0; r0 < nRows; r0 += BLOCK) {
        walkBlock(layout, nTrees, nFeatures, nClasses, ranks, r0, Math.min(nRows, r0 + BLOCK), res)
      }
    }
    for (let i = 0; i < size; i++) res[i] /= nTrees
    return res
  }

  return {
    nFeatures,
    nClasses,
    nTrees,
    predictProba,
    predictIndices(rows, nRows, out) {
      if (probaScratch.length < nRows * nClasses) probaScratch = new Float64Array(nRows * nClasses)
      const proba = predictProba(rows, nRows, probaScratch)
      const res = out ?? new Int32Array(nRows)
      for (let r = 0; r < nRows; r++) res[r] = argmaxRow(proba, r * nClasses, nClasses)
      return res
    },
  }
}

/** ranks[i] = #thresholds of the column's feature below fround(rows[i]). */
function rankRows(
  layout: CompiledLayout,
  nFeatures: number,
  rows: Float64Array,
  nRows: number,
  ranks: Int32Array,
) {
  const { thresholds, thresholdStart } = layout
  for (let f = 0; f < nFeatures; f++) {
    const lo = thresholdStart[f]!
    const hi = thresholdStart[f + 1]!
    for (let i = f; i < nRows * nFeatures; i += nFeatures) {
      ranks[i] = lowerBound(thresholds, lo, hi, Math.fround(rows[i]!)) - lo
    }
  }
}

/**
 * One row, four trees at a time: the same branch-free step as walkBlock, repeated the
 * deepest of the four depths (leaves loop on themselves); the four walks are independent,
 * so their loads overlap. Leaf values are still added in tree order.
 */
function walkOne(
  layout: CompiledLayout,
  groupDepths: Int32Array,
  nTrees: number,
  nC: number,
  rk: Int32Array,
  b: number,
  out: Float64Array,
  o: number,
) {
  const { nodes, roots, depths, leafValues } = layout
  let t = 0
  for (; t + 4 <= nTrees; t += 4) {
    let n0 = roots[t]!
    let n1 = roots[t + 1]!
    let n2 = roots[t + 2]!
    let n3 = roots[t + 3]!
    const depth = groupDepths[t >> 2]!
    for (let d = 0; d < depth; d++) {
      n0 = nodes[n0 + 2 + ((nodes[n0 + 1]! - rk[b + nodes[n0]!]!) >>> 31)]!
      n1 = nodes[n1 + 2 + ((nodes[n1 + 1]! - rk[b + nodes[n1]!]!) >>> 31)]!
      n2 = nodes[n2 + 2 + ((nodes[n2 + 1]! - rk[b + nodes[n2]!]!) >>> 31)]!
      n3 = nodes[n3 + 2 + ((nodes[n3 + 1]! - rk[b + nodes[n3]!]!) >>> 31)]!
    }
    const v0 = nodes[n0 + 3]!
    const v1 = nodes[n1 + 3]!
    const v2 = nodes[n2 + 3]!
    const v3 = nodes[n3 + 3]!
    for (let c = 0; c < nC; c++) out[o + c] += leafValues[v0 + c]!
    for (let c = 0; c < nC; c++) out[o + c] += leafValues[v1 + c]!
    for (let c = 0; c < nC; c++) out[o + c] += leafValues[v2 + c]!
    for (let c = 0; c < nC; c++) out[o + c] += leafValues[v3 + c]!
  }
  for (; t < nTrees; t++) {
    let n = roots[t]!
    const depth = depths[t]!
    for (let d = 0; d < depth; d++) n = nodes[n + 2 + ((nodes[n + 1]! - rk[b + nodes[n]!]!) >>> 31)]!
    const v = nodes[n + 3]!
    for (let c = 0; c < nC; c++) out[o + c] += leafValues[v + c]!
  }
}

/**
 * Rows [r0, r1), tree by tree, four rows at a time: a branch-free step
 * (`(k - rank) >>> 31` is 0 to go left, 1 to go right) repeated the tree's depth times,
 * leaves looping on themselves; four independent walks keep the CPU's loads in flight.
 */
function walkBlock(
  layout: CompiledLayout,
  nTrees: number,
  nF: number,
  nC: number,
  rk: Int32Array,
  r0: number,
  r1: number,
  out: Float64Array,
) {
  const { nodes, roots, depths, leafValues } = layout
  for (let t = 0; t < nTrees; t++) {
    const root = roots[t]!
    const depth = depths[t]!
    let r = r0
    for (; r + 4 <= r1; r += 4) {
      const b0 = r * nF
      const b1 = b0 + nF
      const b2 = b1 + nF
      const b3 = b2 + nF
      let n0 = root
      let n1 = root
      let n2 = root
      let n3 = root
      for (let d = 0; d < depth; d++) {
        n0 = nodes[n0 + 2 + ((nodes[n0 + 1]! - rk[b0 + nodes[n0]!]!) >>> 31)]!
        n1 = nodes[n1 + 2 + ((nodes[n1 + 1]! - rk[b1 + nodes[n1]!]!) >>> 31)]!
        n2 = nodes[n2 + 2 + ((nodes[n2 + 1]! - rk[b2 + nodes[n2]!]!) >>> 31)]!
        n3 = nodes[n3 + 2 + ((nodes[n3 + 1]! - rk[b3 + nodes[n3]!]!) >>> 31)]!
      }
      const v0 = nodes[n0 + 3]!
      const v1 = nodes[n1 + 3]!
      const v2 = nodes[n2 + 3]!
      const v3 = nodes[n3 + 3]!
      const o = r * nC
      for (let c = 0; c < nC; c++) {
        out[o + c] += leafValues[v0 + c]!
        out[o + nC + c] += leafValues[v1 + c]!
        out[o + 2 * nC + c] += leafValues[v2 + c]!
        out[o + 3 * nC + c] += leafValues[v3 + c]!
      }
    }
    for (; r < r1; r++) {
      const b = r * nF
      let n = root
      for (let d = 0; d < depth; d++) n = nodes[n + 2 + ((nodes[n + 1]! - rk[b + nodes[n]!]!) >>> 31)]!
      const v = nodes[n + 3]!
      for (let c = 0; c < nC; c++) out[r * nC + c] += leafValues[v + c]!
    }
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
