/**
 * The rollout's numbers for GET /models: online accuracy per version with its 95 % Wilson interval, the
 * paired counts with McNemar's exact p-value, shadow agreement, and each version's p99 prediction time (ms,
 * with how many predictions were timed), from the instance's sums (the tally's
 * latest answer; this process's own counts until a feedback row arrives).
 */
import { mcnemarExact, wilsonInterval } from '../../ml/stats/index.js'
import { pairedRows, type RolloutCounts } from '../../model/rollout/counts.js'
import { latencyByVersion } from '../../model/rollout/latency.js'
import type { RolloutEngine } from './engine.js'

export function countsReport(c: RolloutCounts) {
  const online = Object.fromEntries(
    Object.entries(c.versions).map(([v, { rows, correct }]) => {
      const ci = wilsonInterval(correct, rows)
      return [v, { rows, correct, accuracy: rows === 0 ? null : correct / rows, ci95: [ci.low, ci.high] }]
    }),
  )
  const p = c.paired
  return {
    online,
    paired: {
      rows: pairedRows(p),
      both_right: p.both,
      candidate_only_right: p.candidateOnly,
      stable_only_right: p.stableOnly,
      both_wrong: p.neither,
      mcnemar_p: mcnemarExact(p.stableOnly, p.candidateOnly),
    },
    shadow: {
      rows: c.shadow.rows,
      agreements: c.shadow.agree,
      agreement: c.shadow.rows === 0 ? null : c.shadow.agree / c.shadow.rows,
    },
    latency: latencyByVersion(c),
  }
}

/** The running rollout's counts, or {} when none runs here. */
export function rolloutReport(engine: RolloutEngine | undefined): Record<string, unknown> {
  const sums = engine?.sums
  if (engine?.active == null || sums == null || sums.key !== engine.active.key) return {}
  return countsReport(sums)
}
