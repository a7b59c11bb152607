/**
 * The "unique path" of path-dependent TreeSHAP (Lundberg et al. 2018, Algorithm 2): EXTEND, UNWIND and
 * the unwound path sum, over struct-of-arrays buffers so a whole explanation allocates nothing.
 *
 * A path of length `depth + 1` lives at `base .. base + depth` in the four arrays. Element i holds the
 * feature it stands for, the fraction of "zero" (feature unknown: cover-weighted) and "one" (feature known:
 * followed by x) paths that flow through it, and pweight, the permutation weight of subsets of size i.
 */
export interface PathBuffers {
  readonly feature: Int32Array
  readonly zero: Float64Array
  readonly one: Float64Array
  readonly pweight: Float64Array
  /** inv[k] = 1 / k: the recurrences divide by small integers; multiplying is cheaper. */
  readonly inv: Float64Array
}

/** Buffer length for trees of depth at most maxDepth (paths nest: each level copies its parent's path). */
export function pathBufferLength(maxDepth: number): number {
  const d = maxDepth + 2
  return ((d + 1) * (d + 2)) / 2 + d
}

export function allocatePath(maxDepth: number): PathBuffers {
  const n = pathBufferLength(maxDepth)
  return {
    feature: new Int32Array(n),
    zero: new Float64Array(n),
    one: new Float64Array(n),
    pweight: new Float64Array(n),
    inv: Float64Array.from({ length: maxDepth + 4 }, (_, k) => (k === 0 ? 0 : 1 / k)),
  }
}

/** EXTEND: append (feature, zero, one) at index `depth` and update the permutation weights. */
export function extendPath(
  p: PathBuffers,
  base: number,
  depth: number,
  zero: number,
  one: number,
  feature: number,
): void {
  const pw = p.pweight
  p.feature[base + depth] = feature
  p.zero[base + depth] = zero
  p.one[base + depth] = one
  pw[base + depth] = depth === 0 ? 1 : 0
  const denom = depth + 1
  for (let i = depth - 1; i >= 0; i--) {
    pw[base + i + 1] += (one * pw[base + i] * (i + 1)) / denom
    pw[base + i] = (zero * pw[base + i] * (depth - i)) / denom
  }
}

/** UNWIND: remove element `index` (undo its EXTEND), shifting later elements down by one. */
export function unwindPath(p: PathBuffers, base: number, depth: number, index: number): void {
  const pw = p.pweight
  const one = p.one[base + index]
  const zero = p.zero[base + index]
  let nextOne = pw[base + depth]
  const denom = depth + 1
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = pw[base + i]
      pw[base + i] = (nextOne * denom) / ((i + 1) * one)
      nextOne = tmp - (pw[base + i] * zero * (depth - i)) / denom
    } else {
      pw[base + i] = (pw[base + i] * denom) / (zero * (depth - i))
    }
  }
  for (let i = index; i < depth; i++) {
    p.feature[base + i] = p.feature[base + i + 1]
    p.zero[base + i] = p.zero[base + i + 1]
    p.one[base + i] = p.one[base + i + 1]
  }
}

/**
 * Sum of the permutation weights as if element `index` were unwound, without changing the path.
 * Called for every path element at every leaf: the inner loop of the algorithm, so the branch on
 * `one` is hoisted out of the loop and divisions become multiplications.
 */
export function unwoundPathSum(p: PathBuffers, base: number, depth: number, index: number): number {
  const pw = p.pweight
  const inv = p.inv
  const one = p.one[base + index]
  const zero = p.zero[base + index]
  const denom = depth + 1
  let total = 0
  if (one !== 0) {
    let nextOne = pw[base + depth]
    const up = denom / one
    const down = zero * inv[denom]
    for (let i = depth - 1; i >= 0; i--) {
      const tmp = nextOne * up * inv[i + 1]
      total += tmp
      nextOne = pw[base + i] - tmp * down * (depth - i)
    }
  } else {
    const up = denom / zero
    for (let i = depth - 1; i >= 0; i--) total += pw[base + i] * up * inv[depth - i]
  }
  return total
}

/**
 * Copy `count` path elements from `from` to `to` (a child starts from its parent's path). A plain loop:
 * paths are a handful of elements, where copyWithin's call overhead dominates.
 */
export function copyPath(p: PathBuffers, from: number, to: number, count: number): void {
  const { feature, zero, one, pweight } = p
  for (let i = 0; i < count; i++) {
    feature[to + i] = feature[from + i]
    zero[to + i] = zero[from + i]
    one[to + i] = one[from + i]
    pweight[to + i] = pweight[from + i]
  }
}
