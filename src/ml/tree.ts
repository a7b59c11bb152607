import { gini } from './criterion.js'
import { type FlatTree, LEAF } from './flat-tree.js'
import type { Random } from './random.js'
import { Splitter, type TrainingSet } from './splitter.js'

/** Resolved (integer) tree parameters; the forest turns user options into these. */
export interface TreeParams {
  /** Infinity for no limit. */
  readonly maxDepth: number
  readonly minSamplesSplit: number
  readonly minSamplesLeaf: number
  readonly maxFeatures: number
}

export interface BuiltTree {
  readonly tree: FlatTree
  /** Unnormalised mean decrease in impurity per feature (scikit-learn's compute_feature_importances). */
  readonly impurityDecrease: Float64Array
}

/** scikit-learn's EPSILON: a node this pure is a leaf. */
const EPSILON = 2.220446049250313e-16
const UNDEFINED = -2

/**
 * CART builder, depth-first like scikit-learn's DepthFirstTreeBuilder: nodes are numbered in
 * pre-order, left subtree first, so every child index is greater than its parent's.
 * Sample weights (bootstrap counts) weight class counts; zero-weight samples are left out.
 */
export function buildTree(
  data: TrainingSet,
  weights: Float64Array,
  params: TreeParams,
  rng: Random,
): BuiltTree {
  const { nClasses, y } = data
  const splitter = new Splitter(data, weights, params.maxFeatures, params.minSamplesLeaf, rng)
  const samples = splitter.samples
  const left: number[] = []
  const right: number[] = []
  const feature: number[] = []
  const threshold: number[] = []
  const value: number[] = []
  const nNode: number[] = []
  const wNode: number[] = []
  const impurity: number[] = []
  const counts = new Float64Array(nClasses)

  // Stack entries: start, end, depth, parent (-1 for the root), isLeft, nConstantFeatures.
  const stack: number[] = [0, samples.length, 0, -1, 0, 0]
  while (stack.length > 0) {
    const nConstants = stack.pop()!
    const isLeft = stack.pop()!
    const parent = stack.pop()!
    const depth = stack.pop()!
    const end = stack.pop()!
    const start = stack.pop()!
    const id = left.length
    if (parent >= 0) {
      if (isLeft) left[parent] = id
      else right[parent] = id
    }

    counts.fill(0)
    let total = 0
    for (let p = start; p < end; p++) {
      const s = samples[p]!
      const w = weights[s]!
      counts[y[s]!] += w
      total += w
    }
    const nodeImpurity = gini(counts, total)
    const n = end - start
    let isLeaf =
      depth >= params.maxDepth ||
      n < params.minSamplesSplit ||
      n < 2 * params.minSamplesLeaf ||
      nodeImpurity <= EPSILON
    let split = null
    if (!isLeaf) {
      split = splitter.split(start, end, nConstants, counts)
      isLeaf = split.feature < 0 || split.pos >= end
    }

    left.push(LEAF)
    right.push(LEAF)
    feature.push(isLeaf ? UNDEFINED : split!.feature)
    threshold.push(isLeaf ? UNDEFINED : split!.threshold)
    for (let k = 0; k < nClasses; k++) value.push(counts[k]! / total)
    nNode.push(n)
    wNode.push(total)
    impurity.push(nodeImpurity)

    if (!isLeaf && split) {
      // Right pushed first so the left child is popped (and numbered) first.
      stack.push(split.pos, end, depth + 1, id, 0, split.nConstantFeatures)
      stack.push(start, split.pos, depth + 1, id, 1, split.nConstantFeatures)
    }
  }

  const tree: FlatTree = {
    nodeCount: left.length,
    nClasses,
    childrenLeft: Int32Array.from(left),
    childrenRight: Int32Array.from(right),
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    value: Float64Array.from(value),
    nNodeSamples: Int32Array.from(nNode),
    weightedNNodeSamples: Float64Array.from(wNode),
  }
  return { tree, impurityDecrease: impurityDecrease(tree, impurity, data.nFeatures) }
}

/** Sum over split nodes of W*imp - W_left*imp_left - W_right*imp_right, divided by the root weight. */
function impurityDecrease(tree: FlatTree, impurity: readonly number[], nFeatures: number): Float64Array {
  const out = new Float64Array(nFeatures)
  const w = tree.weightedNNodeSamples
  for (let node = 0; node < tree.nodeCount; node++) {
    const l = tree.childrenLeft[node]!
    if (l === LEAF) continue
    const r = tree.childrenRight[node]!
    out[tree.feature[node]!] += w[node]! * impurity[node]! - w[l]! * impurity[l]! - w[r]! * impurity[r]!
  }
  for (let f = 0; f < nFeatures; f++) out[f] /= w[0]!
  return out
}

/** Index of the leaf reached by one float32-cast row (simple reference walk). */
export function applyTree(tree: FlatTree, row: ArrayLike<number>, offset = 0): number {
  let node = 0
  while (tree.childrenLeft[node] !== LEAF) {
    node =
      Math.fround(row[offset + tree.feature[node]!]!) <= tree.threshold[node]!
        ? tree.childrenLeft[node]!
        : tree.childrenRight[node]!
  }
  return node
}
