/**
 * Per-forest data for TreeSHAP, computed once: all trees concatenated into flat arrays with global node
 * indices, each child's cover fraction (cover[child] / cover[parent]), the deepest tree's depth (to size
 * the path buffers) and the expected value per class.
 */
import { type Forest, LEAF } from './flat-tree.js'

/** A forest that cannot be explained (e.g. a tree whose cover is zero, negative or not finite). */
export class TreeShapError extends Error {
  override readonly name = 'TreeShapError'
}

export interface ShapForestData {
  readonly nFeatures: number
  readonly nClasses: number
  readonly nTrees: number
  /** Global index of each tree's root. */
  readonly roots: Int32Array
  /** Global child indices, LEAF (-1) at leaves. */
  readonly left: Int32Array
  readonly right: Int32Array
  readonly feature: Int32Array
  readonly threshold: Float64Array
  /** cover[left] / cover[node] and cover[right] / cover[node]: the "zero fractions" of Algorithm 2. */
  readonly leftFraction: Float64Array
  readonly rightFraction: Float64Array
  /** nodes * nClasses, each node's class distribution (only leaves are read). */
  readonly value: Float64Array
  readonly maxDepth: number
  /**
   * Per class: mean over trees of the cover-weighted mean leaf value, i.e. the value function of the empty
   * feature set. Equals the sum over leaves of value * cover / rootCover when covers add up (trained trees).
   */
  readonly expectedValue: Float64Array
}

export function compileShapData(forest: Forest): ShapForestData {
  const { nClasses, nFeatures, trees } = forest
  if (trees.length === 0) throw new TreeShapError('cannot explain a forest with no trees')
  let total = 0
  for (const t of trees) total += t.nodeCount
  const left = new Int32Array(total)
  const right = new Int32Array(total)
  const feature = new Int32Array(total)
  const threshold = new Float64Array(total)
  const leftFraction = new Float64Array(total)
  const rightFraction = new Float64Array(total)
  const value = new Float64Array(total * nClasses)
  const roots = new Int32Array(trees.length)
  const depth = new Int32Array(total)
  const reach = new Float64Array(total)
  const expectedValue = new Float64Array(nClasses)
  let maxDepth = 0
  let offset = 0
  trees.forEach((t, ti) => {
    if (t.nClasses !== nClasses) {
      throw new TreeShapError(`tree ${ti} has ${t.nClasses} classes, the forest ${nClasses}`)
    }
    roots[ti] = offset
    value.set(t.value.subarray(0, t.nodeCount * nClasses), offset * nClasses)
    reach[offset] = 1
    // Children come after their parents (model-format rule), so one forward pass sees parents first.
    for (let n = 0; n < t.nodeCount; n++) {
      const g = offset + n
      const l = t.childrenLeft[n]
      const r = t.childrenRight[n]
      feature[g] = t.feature[n]
      threshold[g] = t.threshold[n]
      if (l === LEAF || r === LEAF) {
        left[g] = LEAF
        right[g] = LEAF
        if (depth[g] > maxDepth) maxDepth = depth[g]
        for (let c = 0; c < nClasses; c++) expectedValue[c] += reach[g] * value[g * nClasses + c]
        continue
      }
      if (l <= n || r <= n || l >= t.nodeCount || r >= t.nodeCount) {
        throw new TreeShapError(`tree ${ti} node ${n}: children ${l}, ${r} must come after it`)
      }
      if (feature[g] < 0 || feature[g] >= nFeatures) {
        throw new TreeShapError(`tree ${ti} node ${n}: feature ${feature[g]} not in [0, ${nFeatures})`)
      }
      const cover = t.weightedNNodeSamples[n]
      if (!(cover > 0) || !Number.isFinite(cover)) {
        throw new TreeShapError(`tree ${ti} node ${n}: cover (weighted_n_node_samples) ${cover} must be > 0`)
      }
      left[g] = offset + l
      right[g] = offset + r
      leftFraction[g] = t.weightedNNodeSamples[l] / cover
      rightFraction[g] = t.weightedNNodeSamples[r] / cover
      if (!(leftFraction[g] >= 0 && rightFraction[g] >= 0)) {
        throw new TreeShapError(`tree ${ti} node ${n}: child covers must be finite and >= 0`)
      }
      depth[offset + l] = depth[offset + r] = depth[g] + 1
      reach[offset + l] = reach[g] * leftFraction[g]
      reach[offset + r] = reach[g] * rightFraction[g]
    }
    offset += t.nodeCount
  })
  for (let c = 0; c < nClasses; c++) expectedValue[c] /= trees.length
  return {
    nFeatures,
    nClasses,
    nTrees: trees.length,
    roots,
    left,
    right,
    feature,
    threshold,
    leftFraction,
    rightFraction,
    value,
    maxDepth,
    expectedValue,
  }
}
