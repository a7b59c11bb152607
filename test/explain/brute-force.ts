/**
 * Reference for TreeSHAP: exact Shapley values of the path-dependent value function, by enumerating all
 * 2^M feature subsets. v(S) follows the row where the split feature is in S and weights both children by
 * their covers where it is not. Exponential in M, so only for tests (M <= ~12).
 */
import { type FlatTree, type Forest, LEAF } from '../../src/ml/flat-tree.js'

/** v(S) for one tree, per class, added into `out` scaled by `weight`. x is already float32-cast. */
function addTreeValue(
  tree: FlatTree,
  x: Float64Array,
  mask: number,
  weight: number,
  out: Float64Array,
): void {
  const k = tree.nClasses
  const walk = (n: number, w: number): void => {
    if (tree.childrenLeft[n] === LEAF) {
      for (let c = 0; c < k; c++) out[c] += w * tree.value[n * k + c]
      return
    }
    const f = tree.feature[n]
    const l = tree.childrenLeft[n]
    const r = tree.childrenRight[n]
    if (mask & (1 << f)) {
      walk(x[f] <= tree.threshold[n] ? l : r, w)
    } else {
      const cover = tree.weightedNNodeSamples[n]
      walk(l, (w * tree.weightedNNodeSamples[l]) / cover)
      walk(r, (w * tree.weightedNNodeSamples[r]) / cover)
    }
  }
  walk(0, weight)
}

/** v(S) of the forest (mean over trees) for every subset S, as [mask * nClasses + c]. */
export function allSubsetValues(forest: Forest, row: ArrayLike<number>): Float64Array {
  const m = forest.nFeatures
  const k = forest.nClasses
  const x = Float64Array.from(row, (v) => Math.fround(v))
  const values = new Float64Array((1 << m) * k)
  for (let mask = 0; mask < 1 << m; mask++) {
    const out = values.subarray(mask * k, (mask + 1) * k)
    for (const tree of forest.trees) addTreeValue(tree, x, mask, 1 / forest.trees.length, out)
  }
  return values
}

function factorials(n: number): number[] {
  const f = [1]
  for (let i = 1; i <= n; i++) f.push(f[i - 1] * i)
  return f
}

function popcount(v: number): number {
  let c = 0
  for (; v; v &= v - 1) c++
  return c
}

export interface BruteForceShap {
  expectedValue: Float64Array
  /** nClasses * nFeatures, [c * nFeatures + f]. */
  contributions: Float64Array
  /** v(all features) per class: the prediction. */
  fullValue: Float64Array
}

/** phi_i = sum over S not containing i of |S|! (M - |S| - 1)! / M! * (v(S + i) - v(S)). */
export function bruteForceShap(forest: Forest, row: ArrayLike<number>): BruteForceShap {
  const m = forest.nFeatures
  const k = forest.nClasses
  const v = allSubsetValues(forest, row)
  const fact = factorials(m)
  const phi = new Float64Array(k * m)
  for (let i = 0; i < m; i++) {
    const bit = 1 << i
    for (let mask = 0; mask < 1 << m; mask++) {
      if (mask & bit) continue
      const s = popcount(mask)
      const w = (fact[s] * fact[m - s - 1]) / fact[m]
      for (let c = 0; c < k; c++) phi[c * m + i] += w * (v[(mask | bit) * k + c] - v[mask * k + c])
    }
  }
  const full = ((1 << m) - 1) * k
  return { expectedValue: v.slice(0, k), contributions: phi, fullValue: v.slice(full, full + k) }
}
