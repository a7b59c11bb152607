/**
 * A fitted decision tree stored as parallel flat arrays, as scikit-learn's `tree_`.
 * Node 0 is the root. A leaf has childrenLeft[n] === childrenRight[n] === LEAF.
 * Inputs are compared as float32, like scikit-learn: go left when Math.fround(x[feature[n]]) <= threshold[n].
 */
export const LEAF = -1

export interface FlatTree {
  readonly nodeCount: number
  readonly nClasses: number
  readonly childrenLeft: Int32Array
  readonly childrenRight: Int32Array
  /** Feature index tested at each split node; ignored (-2) at leaves. */
  readonly feature: Int32Array
  /** Split threshold (float64 midpoint of two float32 values); ignored (-2) at leaves. */
  readonly threshold: Float64Array
  /** nodeCount * nClasses, row-major: each node's class distribution, normalised to sum 1. */
  readonly value: Float64Array
  /** Number of distinct training samples that reached the node. */
  readonly nNodeSamples: Int32Array
  /** Sum of sample weights (bootstrap counts) that reached the node: the "cover" TreeSHAP uses. */
  readonly weightedNNodeSamples: Float64Array
}

/** A fitted ensemble: predictProba = mean over trees of the leaf distributions. */
export interface Forest {
  readonly nFeatures: number
  readonly nClasses: number
  readonly trees: readonly FlatTree[]
}
