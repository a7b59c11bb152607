import type { Random } from './random.js'
import { sortByValue } from './sort.js'

/** Values closer than this are one value, as scikit-learn's FEATURE_THRESHOLD (float32 noise). */
export const FEATURE_THRESHOLD = 1e-7

/** The training data as the splitter reads it: float32 values, column-major, class indices. */
export interface TrainingSet {
  readonly nSamples: number
  readonly nFeatures: number
  readonly nClasses: number
  /** columns[f * nSamples + i] = Math.fround(X[i][f]). */
  readonly columns: Float32Array
  /** Class index of each sample, in [0, nClasses). */
  readonly y: Int32Array
}

export interface SplitRecord {
  /** Feature index, or -1 when no valid split exists (the node becomes a leaf). */
  feature: number
  threshold: number
  /** samples[start, pos) go left after the split. */
  pos: number
  /** Constant features known for the children (prefix of the feature order). */
  nConstantFeatures: number
}

/**
 * Best split of one node, scikit-learn's BestSplitter: features are drawn per node without
 * replacement (Fisher–Yates over `features`); features known constant in an ancestor are skipped
 * cheaply, newly found constants are remembered for descendants; drawing continues past
 * constants until maxFeatures features were visited and at least one was not constant.
 */
export class Splitter {
  /** Indices of positively weighted samples; nodes are ranges [start, end) of it. */
  readonly samples: Int32Array
  private readonly xf: Float64Array
  private readonly features: Int32Array
  private readonly constantFeatures: Int32Array
  private readonly leftCounts: Float64Array

  constructor(
    private readonly data: TrainingSet,
    private readonly weights: Float64Array,
    private readonly maxFeatures: number,
    private readonly minSamplesLeaf: number,
    private readonly rng: Random,
  ) {
    let n = 0
    for (let i = 0; i < data.nSamples; i++) if (weights[i]! > 0) n++
    this.samples = new Int32Array(n)
    for (let i = 0, j = 0; i < data.nSamples; i++) if (weights[i]! > 0) this.samples[j++] = i
    this.xf = new Float64Array(n)
    this.features = new Int32Array(data.nFeatures)
    for (let f = 0; f < data.nFeatures; f++) this.features[f] = f
    this.constantFeatures = new Int32Array(data.nFeatures)
    this.leftCounts = new Float64Array(data.nClasses)
  }

  /** Finds the best split of samples[start, end) whose weighted class counts are nodeCounts. */
  split(start: number, end: number, nKnownConstants: number, nodeCounts: Float64Array): SplitRecord {
    const { data, samples, xf, features, weights, leftCounts } = this
    const { nSamples, nFeatures, nClasses, columns, y } = data
    const minLeaf = this.minSamplesLeaf
    let total = 0
    for (let k = 0; k < nClasses; k++) total += nodeCounts[k]!

    const best: SplitRecord = { feature: -1, threshold: 0, pos: end, nConstantFeatures: nKnownConstants }
    let bestProxy = Number.NEGATIVE_INFINITY
    let fi = nFeatures
    let nVisited = 0
    let nFoundConstants = 0
    let nDrawnConstants = 0
    let nTotalConstants = nKnownConstants

    while (
      fi > nTotalConstants &&
      (nVisited < this.maxFeatures || nVisited <= nFoundConstants + nDrawnConstants)
    ) {
      nVisited++
      let fj = this.rng.randRange(nDrawnConstants, fi - nFoundConstants)
      if (fj < nKnownConstants) {
        // A constant known from an ancestor: park it among the drawn constants, no evaluation.
        swapInt(features, fj, nDrawnConstants++)
        continue
      }
      fj += nFoundConstants
      const f = features[fj]!
      const col = f * nSamples
      for (let p = start; p < end; p++) xf[p] = columns[col + samples[p]!]!
      sortByValue(xf, samples, start, end)
      if (xf[end - 1]! <= xf[start]! + FEATURE_THRESHOLD) {
        swapInt(features, fj, nTotalConstants++)
        nFoundConstants++
        continue
      }
      swapInt(features, --fi, fj)

      // Scan the positions between distinct values, moving samples to the left side.
      leftCounts.fill(0)
      let wLeft = 0
      let moved = start
      let p = start
      while (p < end) {
        while (p + 1 < end && xf[p + 1]! <= xf[p]! + FEATURE_THRESHOLD) p++
        p++
        if (p >= end) break
        for (; moved < p; moved++) {
          const s = samples[moved]!
          const w = weights[s]!
          leftCounts[y[s]!] += w
          wLeft += w
        }
        if (p - start < minLeaf || end - p < minLeaf) continue
        const wRight = total - wLeft
        let sqLeft = 0
        let sqRight = 0
        for (let k = 0; k < nClasses; k++) {
          const l = leftCounts[k]!
          const r = nodeCounts[k]! - l
          sqLeft += l * l
          sqRight += r * r
        }
        // Gini proxy: maximising sqL/wL + sqR/wR minimises the weighted child impurity.
        const proxy = sqLeft / wLeft + sqRight / wRight
        if (proxy > bestProxy) {
          bestProxy = proxy
          best.feature = f
          best.pos = p
          best.threshold = midpoint(xf[p - 1]!, xf[p]!)
        }
      }
    }

    if (best.feature >= 0) partition(columns, best.feature * nSamples, samples, start, end, best.threshold)
    // Restore the ancestors' constant prefix for siblings, then record the newly found constants.
    features.set(this.constantFeatures.subarray(0, nKnownConstants), 0)
    this.constantFeatures.set(features.subarray(nKnownConstants, nTotalConstants), nKnownConstants)
    best.nConstantFeatures = nTotalConstants
    return best
  }
}

/** a/2 + b/2 in float64 of two float32 neighbours a < b; falls back to a when it rounds up to b. */
export function midpoint(a: number, b: number): number {
  const t = a / 2 + b / 2
  if (t === b || !Number.isFinite(t)) return a
  return t
}

/** Reorders samples[start, end) so those with value <= threshold come first. */
function partition(
  columns: Float32Array,
  col: number,
  samples: Int32Array,
  start: number,
  end: number,
  threshold: number,
): void {
  let i = start
  let j = end
  while (i < j) {
    if (columns[col + samples[i]!]! <= threshold) i++
    else swapInt(samples, i, --j)
  }
}

function swapInt(a: Int32Array, i: number, j: number): void {
  const t = a[i]!
  a[i] = a[j]!
  a[j] = t
}
