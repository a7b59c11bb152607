/**
 * McNemar's exact test on the discordant pairs of a paired comparison (b = first right & second
 * wrong, c = the reverse), as statsmodels' mcnemar(table, exact=True): under H0 the discordant
 * pairs split as Binomial(b + c, 1/2), and p = min(1, 2 · P(X <= min(b, c))).
 */
export function mcnemarExact(b: number, c: number): number {
  for (const [name, v] of [
    ['b', b],
    ['c', c],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`mcnemar: ${name} = ${v} is not a count`)
  }
  const n = b + c
  const k = Math.min(b, c)
  if (n === 0) return 1
  return Math.min(1, 2 * binomialHalfCdf(k, n))
}

/** P(X <= k) for X ~ Binomial(n, 1/2), summed in log space (no huge binomials, no underflow to 0 early). */
export function binomialHalfCdf(k: number, n: number): number {
  if (k >= n) return 1
  if (k < 0) return 0
  const logHalfPower = -n * Math.LN2
  let logBinomial = 0
  const logs: number[] = [logHalfPower]
  for (let i = 1; i <= k; i++) {
    logBinomial += Math.log((n - i + 1) / i)
    logs.push(logBinomial + logHalfPower)
  }
  const top = logs[logs.length - 1]!
  let sum = 0
  for (const l of logs) sum += Math.exp(l - top)
  return Math.min(1, sum * Math.exp(top))
}
