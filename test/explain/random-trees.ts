/**
 * Random but valid FlatTrees for tests: children after parents, leaf distributions normalised to 1,
 * covers that add up from the leaves (as in a trained tree), features that may repeat along a path
 * (which exercises TreeSHAP's UNWIND).
 */
import { type FlatTree, type Forest, LEAF } from '../../src/ml/flat-tree.js'

/** mulberry32: a small seeded PRNG so every failure reproduces from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface RandomTreeOptions {
  nFeatures: number
  nClasses: number
  maxDepth: number
  /** Probability that a node above maxDepth splits. */
  splitProbability?: number
  /** Only these features are split on (default: all). */
  features?: readonly number[]
  /** Thresholds are drawn from these per-feature candidates (default: uniform in [0, 1)). */
  thresholds?: readonly (readonly number[])[]
  /**
   * Probability that a left-child leaf gets cover 0 (weighted scikit-learn trees can have such leaves).
   * Right-child leaves keep a positive cover, so every split node still has cover > 0.
   */
  zeroCoverProbability?: number
}

interface Draft {
  feature: number
  threshold: number
  left: number
  right: number
  depth: number
}

export function randomTree(rand: () => number, o: RandomTreeOptions): FlatTree {
  const features = o.features ?? Array.from({ length: o.nFeatures }, (_, i) => i)
  const pSplit = o.splitProbability ?? 0.8
  const nodes: Draft[] = [{ feature: -2, threshold: -2, left: LEAF, right: LEAF, depth: 0 }]
  // Breadth-first growth keeps "children after parents".
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n]
    if (node.depth >= o.maxDepth || (n > 0 && rand() > pSplit)) continue
    node.feature = features[Math.floor(rand() * features.length)]
    const candidates = o.thresholds?.[node.feature]
    node.threshold = candidates ? candidates[Math.floor(rand() * candidates.length)] : rand()
    node.left = nodes.length
    node.right = nodes.length + 1
    nodes.push({ feature: -2, threshold: -2, left: LEAF, right: LEAF, depth: node.depth + 1 })
    nodes.push({ feature: -2, threshold: -2, left: LEAF, right: LEAF, depth: node.depth + 1 })
  }
  const count = nodes.length
  const k = o.nClasses
  const value = new Float64Array(count * k)
  const samples = new Int32Array(count)
  const cover = new Float64Array(count)
  for (let n = count - 1; n >= 0; n--) {
    const node = nodes[n]
    if (node.left === LEAF) {
      let sum = 0
      for (let c = 0; c < k; c++) sum += value[n * k + c] = rand() < 0.3 ? 0 : rand()
      if (sum === 0) value[n * k + Math.floor(rand() * k)] = sum = 1
      for (let c = 0; c < k; c++) value[n * k + c] /= sum
      samples[n] = 1 + Math.floor(rand() * 20)
      const isLeftChild = n % 2 === 1
      const zero = isLeftChild && rand() < (o.zeroCoverProbability ?? 0)
      cover[n] = zero ? 0 : samples[n] + Math.floor(rand() * 10)
    } else {
      samples[n] = samples[node.left] + samples[node.right]
      cover[n] = cover[node.left] + cover[node.right]
      // Inner values: the cover-weighted class distribution, as a trained tree stores it.
      for (let c = 0; c < k; c++) {
        const l = value[node.left * k + c] * cover[node.left]
        const r = value[node.right * k + c] * cover[node.right]
        value[n * k + c] = cover[n] > 0 ? (l + r) / cover[n] : value[node.left * k + c]
      }
    }
  }
  return {
    nodeCount: count,
    nClasses: k,
    childrenLeft: Int32Array.from(nodes, (d) => d.left),
    childrenRight: Int32Array.from(nodes, (d) => d.right),
    feature: Int32Array.from(nodes, (d) => d.feature),
    threshold: Float64Array.from(nodes, (d) => d.threshold),
    value,
    nNodeSamples: samples,
    weightedNNodeSamples: cover,
  }
}

export function randomForest(rand: () => number, nTrees: number, o: RandomTreeOptions): Forest {
  return {
    nFeatures: o.nFeatures,
    nClasses: o.nClasses,
    trees: Array.from({ length: nTrees }, () => randomTree(rand, o)),
  }
}

/** nRows * nFeatures uniform values in [0, 1), row-major. */
export function randomRows(rand: () => number, nRows: number, nFeatures: number): Float64Array {
  return Float64Array.from({ length: nRows * nFeatures }, () => rand())
}

/** Predicted probabilities (mean of leaf values), walked independently of the engine for tests. */
export function forestProba(forest: Forest, row: ArrayLike<number>): Float64Array {
  const k = forest.nClasses
  const out = new Float64Array(k)
  for (const t of forest.trees) {
    let n = 0
    while (t.childrenLeft[n] !== LEAF) {
      n = Math.fround(row[t.feature[n]]) <= t.threshold[n] ? t.childrenLeft[n] : t.childrenRight[n]
    }
    for (let c = 0; c < k; c++) out[c] += t.value[n * k + c] / forest.trees.length
  }
  return out
}
