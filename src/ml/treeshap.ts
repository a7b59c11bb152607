/**
 * Exact path-dependent TreeSHAP (Lundberg, Erion, Lee 2018, "Consistent Individualized Feature Attribution
 * for Tree Ensembles", Algorithm 2) over our flat forests. One recursion per tree and row explains every
 * class at once (leaf values are class distributions). Cost per row: O(sum over trees of L * D^2) for
 * L leaves and depth D; the path buffers are allocated once per explainer, so explaining allocates only
 * the output (or nothing, given `out`).
 *
 * Contract (checked by tests against brute-force Shapley values over all feature subsets):
 *   expectedValue[c] + sum_f contributions[row, c, f] = predictProba[row, c]   (within 1e-9)
 * where the value function of a feature set S follows the row where the split feature is in S and
 * weights both children by their covers (weighted_n_node_samples) where it is not.
 */
import type { Forest } from './flat-tree.js'
import { compileShapData, type ShapForestData } from './treeshap-compile.js'
import {
  allocatePath,
  copyPath,
  extendPath,
  type PathBuffers,
  unwindPath,
  unwoundPathSum,
} from './treeshap-path.js'

export { TreeShapError } from './treeshap-compile.js'

export interface ForestExplanation {
  /** Per class: the model's mean output over the training data (cover-weighted). */
  readonly expectedValue: Float64Array
  /** nRows * nClasses * nFeatures, row-major: contributions[(row * nClasses + c) * nFeatures + f]. */
  readonly contributions: Float64Array
}

export interface ForestExplainer {
  readonly nFeatures: number
  readonly nClasses: number
  readonly expectedValue: Float64Array
  /** rows: nRows * nFeatures row-major. Writes into `out` when given (length nRows*nClasses*nFeatures). */
  explain(rows: Float64Array, nRows: number, out?: Float64Array): Float64Array
}

/** Precompute everything that depends only on the forest; reuse the result for every request. */
export function compileExplainer(forest: Forest): ForestExplainer {
  return new TreeShapExplainer(compileShapData(forest))
}

/** One-shot convenience: compile and explain. Prefer compileExplainer when explaining repeatedly. */
export function explainForest(forest: Forest, rows: Float64Array, nRows: number): ForestExplanation {
  const explainer = compileExplainer(forest)
  return { expectedValue: explainer.expectedValue, contributions: explainer.explain(rows, nRows) }
}

class TreeShapExplainer implements ForestExplainer {
  readonly nFeatures: number
  readonly nClasses: number
  readonly expectedValue: Float64Array
  private readonly path: PathBuffers
  /** The current row, each feature cast to float32 once (the engine compares Math.fround(x) <= t). */
  private readonly x: Float64Array
  /** Output slice of the current row: nClasses * nFeatures. */
  private phi: Float64Array

  constructor(private readonly d: ShapForestData) {
    this.nFeatures = d.nFeatures
    this.nClasses = d.nClasses
    this.expectedValue = d.expectedValue.slice()
    this.path = allocatePath(d.maxDepth)
    this.x = new Float64Array(d.nFeatures)
    this.phi = new Float64Array(0)
  }

  explain(rows: Float64Array, nRows: number, out?: Float64Array): Float64Array {
    const { nFeatures, nClasses } = this
    const width = nClasses * nFeatures
    if (rows.length < nRows * nFeatures) {
      throw new RangeError(`rows has ${rows.length} values, expected ${nRows} * ${nFeatures}`)
    }
    const result = out ?? new Float64Array(nRows * width)
    if (result.length < nRows * width) {
      throw new RangeError(`out has ${result.length} values, expected ${nRows * width}`)
    }
    const scale = 1 / this.d.nTrees
    for (let r = 0; r < nRows; r++) {
      for (let f = 0; f < nFeatures; f++) this.x[f] = Math.fround(rows[r * nFeatures + f])
      const phi = result.subarray(r * width, (r + 1) * width)
      phi.fill(0)
      this.phi = phi
      const roots = this.d.roots
      for (let t = 0; t < roots.length; t++) this.recurse(roots[t], 0, 0, 1, 1, -1)
      for (let i = 0; i < width; i++) phi[i] *= scale
    }
    this.phi = new Float64Array(0)
    return result
  }

  /**
   * Algorithm 2's RECURSE. `base` is where the parent's path starts; this node's path is a copy placed
   * right after it, extended by the element for the split that led here (zero, one, feature).
   */
  private recurse(node: number, base: number, depth: number, zero: number, one: number, feat: number): void {
    const d = this.d
    const p = this.path
    const here = base + depth + 1
    copyPath(p, base, here, depth)
    extendPath(p, here, depth, zero, one, feat)

    const left = d.left[node]
    if (left < 0) {
      this.addLeaf(node, here, depth)
      return
    }
    const right = d.right[node]
    const split = d.feature[node]
    const goLeft = this.x[split] <= d.threshold[node]
    const hot = goLeft ? left : right
    const cold = goLeft ? right : left
    const hotZero = goLeft ? d.leftFraction[node] : d.rightFraction[node]
    const coldZero = goLeft ? d.rightFraction[node] : d.leftFraction[node]

    // A feature already on the path is unwound and its fractions carried into the new element.
    let incomingZero = 1
    let incomingOne = 1
    let k = 0
    while (k <= depth && p.feature[here + k] !== split) k++
    if (k <= depth) {
      incomingZero = p.zero[here + k]
      incomingOne = p.one[here + k]
      unwindPath(p, here, depth, k)
      depth -= 1
    }
    // A branch with zero and one fractions both 0 has weight 0 in every subset: skipping it is exact,
    // and avoids dividing by zero when unwinding (covers of 0 occur in weighted scikit-learn trees).
    const hz = hotZero * incomingZero
    if (hz !== 0 || incomingOne !== 0) this.recurse(hot, here, depth + 1, hz, incomingOne, split)
    const cz = coldZero * incomingZero
    if (cz !== 0) this.recurse(cold, here, depth + 1, cz, 0, split)
  }

  /** A leaf adds, for each feature on the path, its weight times (one - zero) times the leaf's values. */
  private addLeaf(node: number, here: number, depth: number): void {
    const p = this.path
    const { nClasses, nFeatures, phi } = this
    const value = this.d.value
    const v = node * nClasses
    for (let i = 1; i <= depth; i++) {
      const s = unwoundPathSum(p, here, depth, i) * (p.one[here + i] - p.zero[here + i])
      if (s === 0) continue
      const f = p.feature[here + i]
      for (let c = 0; c < nClasses; c++) phi[c * nFeatures + f] += s * value[v + c]
    }
  }
}

/**
 * explain(rows, nRows) for a model object: compiles the explainer on first use (a few ms, and memory for
 * a copy of the trees), so loading a model that is never asked "why" costs nothing extra.
 */
export function explainerOnDemand(forest: Forest): (rows: Float64Array, nRows: number) => ForestExplanation {
  let explainer: ForestExplainer | undefined
  return (rows, nRows) => {
    explainer ??= compileExplainer(forest)
    return { expectedValue: explainer.expectedValue.slice(), contributions: explainer.explain(rows, nRows) }
  }
}
