/**
 * The automatic gate of a running rollout, decided from summed counts (./counts.ts). After at least
 * `minFeedback` paired feedback rows, the candidate is rolled back at once when it is significantly worse
 * than stable on the same rows (McNemar's exact test, one-sided direction: more rows only stable got right,
 * p < alpha), or when its error rate exceeds stable's by more than `errorMargin` (absolute), or, in shadow
 * mode, when its agreement with stable falls below `agreementFloor` (after `minFeedback` shadow rows too).
 * A candidate that passes all of them is promoted when `autoPromote` is on. Pure: no clock, no I/O.
 */
import { mcnemarExact } from '../../ml/stats/index.js'
import { pairedRows, type RolloutCounts } from './counts.js'

export interface GateSettings {
  minFeedback: number
  alpha: number
  errorMargin: number
  agreementFloor: number
  autoPromote: boolean
}

export type GateReason = 'significantly_worse' | 'error_margin' | 'shadow_agreement'

export type GateDecision =
  | { action: 'wait'; detail: string }
  | { action: 'keep'; detail: string }
  | { action: 'rollback'; reason: GateReason; detail: string }
  | { action: 'promote'; detail: string }

export function evaluateGate(
  counts: RolloutCounts,
  rollout: { stable: string; candidate: string; mode: 'canary' | 'shadow' },
  s: GateSettings,
): GateDecision {
  const n = pairedRows(counts.paired)
  const { stableOnly, candidateOnly } = counts.paired
  const shadowRows = counts.shadow.rows
  const agreement = shadowRows === 0 ? 1 : counts.shadow.agree / shadowRows
  if (rollout.mode === 'shadow' && shadowRows >= s.minFeedback && agreement < s.agreementFloor) {
    return {
      action: 'rollback',
      reason: 'shadow_agreement',
      detail: `candidate ${rollout.candidate} agreed with stable on ${(agreement * 100).toFixed(1)} % of ${shadowRows} rows (floor ${(s.agreementFloor * 100).toFixed(1)} %)`,
    }
  }
  if (n < s.minFeedback) return { action: 'wait', detail: `${n} of ${s.minFeedback} paired feedback rows` }
  const p = mcnemarExact(stableOnly, candidateOnly)
  if (stableOnly > candidateOnly && p < s.alpha) {
    return {
      action: 'rollback',
      reason: 'significantly_worse',
      detail: `candidate ${rollout.candidate} worse than stable ${rollout.stable} on the same ${n} rows: stable alone right ${stableOnly}, candidate alone right ${candidateOnly} (McNemar exact p = ${p.toPrecision(3)})`,
    }
  }
  const stableErr = (counts.paired.candidateOnly + counts.paired.neither) / n
  const candidateErr = (counts.paired.stableOnly + counts.paired.neither) / n
  if (candidateErr - stableErr > s.errorMargin) {
    return {
      action: 'rollback',
      reason: 'error_margin',
      detail: `candidate error ${(candidateErr * 100).toFixed(1)} % exceeds stable's ${(stableErr * 100).toFixed(1)} % by more than ${(s.errorMargin * 100).toFixed(1)} points over ${n} rows`,
    }
  }
  const detail = `candidate passes over ${n} paired rows (McNemar p = ${p.toPrecision(3)}, error ${(candidateErr * 100).toFixed(1)} % vs ${(stableErr * 100).toFixed(1)} %)`
  return s.autoPromote ? { action: 'promote', detail } : { action: 'keep', detail }
}
