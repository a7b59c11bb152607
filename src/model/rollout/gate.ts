/**
 * The automatic gate of a running rollout, decided from summed counts (./counts.ts). After at least
 * `minFeedback` paired feedback rows, the candidate is rolled back at once when it is significantly worse
 * than stable on the same rows (McNemar's exact test, one-sided direction: more rows only stable got right,
 * p < alpha), or when its error rate exceeds stable's by more than `errorMargin` (absolute), or, in shadow
 * mode, when its agreement with stable falls below `agreementFloor` (after `minFeedback` shadow rows too).
 * Latency needs no labels: once both versions have `latencyMinSamples` timed predictions (summed over the
 * workers, ./latency.ts), a candidate whose p99 exceeds `p99Margin` × stable's p99 (and `p99FloorMs`, below
 * which timer noise is all there is) is rolled back too, before any feedback arrives.
 * A candidate that passes all of them is promoted when `autoPromote` is on. Pure: no clock, no I/O.
 */
import { mcnemarExact } from '../../ml/stats/index.js'
import { pairedRows, type RolloutCounts } from './counts.js'
import { latencyQuantile, latencySamples } from './latency.js'

export interface GateSettings {
  minFeedback: number
  alpha: number
  errorMargin: number
  agreementFloor: number
  /** Candidate p99 may be at most this many times stable's p99; 0 turns the latency rule off. */
  p99Margin: number
  /** Timed predictions each side needs before the latency rule applies. */
  latencyMinSamples: number
  /** A candidate p99 at or under this (ms) never fails the latency rule. */
  p99FloorMs: number
  autoPromote: boolean
}

export type GateReason = 'significantly_worse' | 'error_margin' | 'shadow_agreement' | 'latency_p99'

const ms = (v: number) => `${v.toPrecision(3)} ms`

/** Both sides' p99 (ms) once each has `min` timed predictions, else null. */
export function p99Pair(
  counts: RolloutCounts,
  rollout: { stable: string; candidate: string },
  min: number,
): { stable: number; candidate: number; stableSamples: number; candidateSamples: number } | null {
  const s = counts.latency[rollout.stable]
  const c = counts.latency[rollout.candidate]
  if (s === undefined || c === undefined) return null
  const stableSamples = latencySamples(s)
  const candidateSamples = latencySamples(c)
  if (stableSamples < min || candidateSamples < min) return null
  const stable = latencyQuantile(s, 0.99)
  const candidate = latencyQuantile(c, 0.99)
  if (stable === null || candidate === null) return null
  return { stable, candidate, stableSamples, candidateSamples }
}

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
  const lat = s.p99Margin > 0 ? p99Pair(counts, rollout, Math.max(1, s.latencyMinSamples)) : null
  if (lat !== null && lat.candidate > s.p99Margin * lat.stable && lat.candidate > s.p99FloorMs) {
    return {
      action: 'rollback',
      reason: 'latency_p99',
      detail: `candidate ${rollout.candidate} p99 ${ms(lat.candidate)} exceeds ${s.p99Margin}× stable ${rollout.stable}'s p99 ${ms(lat.stable)} (${lat.candidateSamples} and ${lat.stableSamples} timed predictions)`,
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
  const p99s = lat === null ? '' : `, p99 ${ms(lat.candidate)} vs ${ms(lat.stable)}`
  const detail = `candidate passes over ${n} paired rows (McNemar p = ${p.toPrecision(3)}, error ${(candidateErr * 100).toFixed(1)} % vs ${(stableErr * 100).toFixed(1)} %${p99s})`
  return s.autoPromote ? { action: 'promote', detail } : { action: 'keep', detail }
}
