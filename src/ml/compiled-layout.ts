import { type Forest, LEAF } from './flat-tree.js'

/**
 * The forest re-laid out for fast walking, all trees in one Int32Array (measured in
 * bench/model.ts against the plain walk of src/ml/reference.ts):
 * - thresholds become integer ranks: per feature, the forest's distinct thresholds sorted
 *   ascending; a row's value x becomes rank(x) = #thresholds < fround(x), and
 *   fround(x) <= t_k  <=>  rank(x) <= k, so every value is cast and searched once per row
 *   and nodes compare small ints;
 * - every node takes 4 ints [feature, rank, left, right] (offsets into `nodes`); a leaf is
 *   [0, LEAF_RANK, itself, valueOffset]: since no row rank exceeds LEAF_RANK it loops on
 *   itself, so a batch can walk a fixed `depths[t]` steps without branches.
 */
export interface CompiledLayout {
  readonly nodes: Int32Array
  /** Offset of each tree's root in `nodes`. */
  readonly roots: Int32Array
  /** Longest root-to-leaf path of each tree (0 for a single-leaf tree). */
  readonly depths: Int32Array
  /** Leaf class distributions, nClasses per leaf; a leaf's node holds its offset at +3. */
  readonly leafValues: Float64Array
  /** Sorted distinct thresholds of feature f: thresholds[thresholdStart[f], thresholdStart[f + 1]). */
  readonly thresholds: Float64Array
  readonly thresholdStart: Int32Array
}

export const NODE_STRIDE = 4
export const LEAF_RANK = 0x3fffffff

export function layoutForest(forest: Forest): CompiledLayout {
  const { nFeatures, nClasses, trees } = forest
  const perFeature: number[][] = Array.from({ length: nFeatures }, () => [])
  let nNodes = 0
  let nLeaves = 0
  for (const t of trees) {
    nNodes += t.nodeCount
    for (let n = 0; n < t.nodeCount; n++) {
      if (t.childrenLeft[n] === LEAF) nLeaves++
      else perFeature[t.feature[n]!]!.push(t.threshold[n]!)
    }
  }
  const thresholdStart = new Int32Array(nFeatures + 1)
  const sorted = perFeature.map((list) => [...new Set(list)].sort((a, b) => a - b))
  sorted.forEach((list, f) => {
    thresholdStart[f + 1] = thresholdStart[f]! + list.length
  })
  const thresholds = Float64Array.from(sorted.flat())

  const nodes = new Int32Array(nNodes * NODE_STRIDE)
  const leafValues = new Float64Array(nLeaves * nClasses)
  const roots = new Int32Array(trees.length)
  const depths = new Int32Array(trees.length)
  let offset = 0
  let leaf = 0
  trees.forEach((t, ti) => {
    // Children come after their parent (format rule), so depths fill in one forward pass.
    const depth = new Int32Array(t.nodeCount)
    let maxDepth = 0
    for (let n = 0; n < t.nodeCount; n++) {
      const b = (offset + n) * NODE_STRIDE
      const l = t.childrenLeft[n]!
      if (l === LEAF) {
        nodes[b + 1] = LEAF_RANK
        nodes[b + 2] = b
        nodes[b + 3] = leaf * nClasses
        leafValues.set(t.value.subarray(n * nClasses, (n + 1) * nClasses), leaf++ * nClasses)
        continue
      }
      const r = t.childrenRight[n]!
      const f = t.feature[n]!
      const lo = thresholdStart[f]!
      nodes[b] = f
      nodes[b + 1] = lowerBound(thresholds, lo, thresholdStart[f + 1]!, t.threshold[n]!) - lo
      nodes[b + 2] = (offset + l) * NODE_STRIDE
      nodes[b + 3] = (offset + r) * NODE_STRIDE
      depth[l] = depth[r] = depth[n]! + 1
      if (depth[n]! + 1 > maxDepth) maxDepth = depth[n]! + 1
    }
    roots[ti] = offset * NODE_STRIDE
    depths[ti] = maxDepth
    offset += t.nodeCount
  })
  return { nodes, roots, depths, leafValues, thresholds, thresholdStart }
}

/**
 * First index in sorted a[lo, hi) whose value is >= x (so index - lo = #values < x).
 * NaN ranks past every threshold, so it goes right like `NaN <= t` (false) in the plain walk.
 */
export function lowerBound(a: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (!(a[mid]! >= x)) lo = mid + 1
    else hi = mid
  }
  return lo
}
