/**
 * Gini impurity of weighted class counts: 1 - sum_k (w_k / W)^2.
 * counts[offset .. offset + nClasses) are the weighted counts; total is their sum.
 */
export function gini(counts: ArrayLike<number>, total: number, offset = 0, nClasses = counts.length): number {
  if (total <= 0) return 0
  let sq = 0
  for (let k = 0; k < nClasses; k++) {
    const c = counts[offset + k]!
    sq += c * c
  }
  return 1 - sq / (total * total)
}

/** Sum of squared counts: gini proxies only need this per side (see splitter.ts). */
export function sumOfSquares(counts: ArrayLike<number>, offset: number, nClasses: number): number {
  let sq = 0
  for (let k = 0; k < nClasses; k++) {
    const c = counts[offset + k]!
    sq += c * c
  }
  return sq
}
