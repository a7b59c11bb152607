/**
 * Exact null distribution of the two-sample, two-sided Kolmogorov–Smirnov statistic:
 * P(D_{m,n} >= h / lcm(m, n)), counted on the lattice paths from (0, 0) to (m, n)
 * (Hodges 1958; the same algorithms and float behaviour as scipy.stats.ks_2samp's method='exact').
 */

/**
 * Equal sizes m = n: Pr(D >= h/n) = 2 Σ_{k>=1} (-1)^(k-1) C(2n, n-kh) / C(2n, n), evaluated
 * as 2·A0·(1 - A1·(1 - A2·(…))) with Ak = C(2n, n-(k+1)h) / C(2n, n-kh), innermost first,
 * so no large binomial is ever formed and the alternating sum does not cancel.
 */
export function ksEqualSizesSf(n: number, h: number): number {
  let tail = 0
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let ratio = 1
    for (let j = 0; j < h; j++) ratio = ((n - k * h - j) * ratio) / (n + k * h + j + 1)
    tail = ratio * (1 - tail)
  }
  return 2 * tail
}

/**
 * Sizes m != n (g = gcd): the share of lattice paths that leave the band |n·x - m·y| / g < h,
 * by Viehmann's recursion on that share directly (arXiv 2102.08037) instead of on path counts:
 * q(x, y) = (x·q(x-1, y) + y·q(x, y-1)) / (x + y), with q = 1 outside the band and 0 at the origin.
 * One column of the band is kept at a time; cells above the previous column's band read 1.
 */
export function ksUnequalSizesSf(m: number, n: number, g: number, h: number): number {
  if (m < n) [m, n] = [n, m]
  const mg = m / g
  const ng = n / g
  const column = new Float64Array(n + 2).fill(1)
  let low = 0
  let high = Math.min(Math.ceil(h / mg), n + 1)
  let length = high - low
  column.fill(0, 0, high)
  for (let x = 1; x <= m; x++) {
    const previousLow = low
    const previousLength = length
    low = Math.min(Math.max(Math.floor((ng * x - h) / mg) + 1, 0), n)
    high = Math.min(Math.ceil((ng * x + h) / mg), n + 1)
    if (high <= low) return 1
    let below = low === 0 ? 0 : 1
    for (let y = low; y < high; y++) {
      below = (column[y - previousLow]! * x + below * y) / (x + y)
      column[y - low] = below
    }
    length = high - low
    if (previousLength > length) column.fill(1, length, previousLength)
  }
  return column[high - low - 1]!
}
