/**
 * What a rollout has seen so far, in numbers that add up across workers: labelled feedback per version
 * (rows, correct), the paired comparison of candidate and stable on the very same rows, and, in shadow
 * mode, how often the candidate agreed with the stable answer, and per version a histogram of prediction
 * times (./latency.ts). Plain JSON, so workers can send it to the cluster primary, which sums them and
 * decides once.
 */
import { addLatency, emptyLatency, type LatencyHistogram } from './latency.js'

export interface PairedCounts {
  /** Rows both got right / candidate right and stable wrong / stable right and candidate wrong / both wrong. */
  both: number
  candidateOnly: number
  stableOnly: number
  neither: number
}

export interface RolloutCounts {
  /** Which rollout these belong to (RolloutKey): counts of another rollout are never mixed in. */
  key: string
  versions: Record<string, { rows: number; correct: number }>
  paired: PairedCounts
  shadow: { rows: number; agree: number }
  /**
   * Prediction compute time per version (ms, bucket counts that add up): in canary mode the version that
   * answered; in shadow mode stable's answer and the candidate's off-path scoring of the same rows.
   */
  latency: Record<string, LatencyHistogram>
}

export function emptyCounts(key: string): RolloutCounts {
  return {
    key,
    versions: {},
    paired: { both: 0, candidateOnly: 0, stableOnly: 0, neither: 0 },
    shadow: { rows: 0, agree: 0 },
    latency: {},
  }
}

/** Adds `delta` into `into` (same key), in place. */
export function addCounts(into: RolloutCounts, delta: RolloutCounts): void {
  if (into.key !== delta.key) return
  for (const [v, c] of Object.entries(delta.versions)) {
    const t = (into.versions[v] ??= { rows: 0, correct: 0 })
    t.rows += c.rows
    t.correct += c.correct
  }
  into.paired.both += delta.paired.both
  into.paired.candidateOnly += delta.paired.candidateOnly
  into.paired.stableOnly += delta.paired.stableOnly
  into.paired.neither += delta.paired.neither
  into.shadow.rows += delta.shadow.rows
  into.shadow.agree += delta.shadow.agree
  for (const [v, h] of Object.entries(delta.latency ?? {}))
    addLatency((into.latency[v] ??= emptyLatency()), h)
}

/** Paired rows: every feedback row both sides scored. */
export function pairedRows(p: PairedCounts): number {
  return p.both + p.candidateOnly + p.stableOnly + p.neither
}

export function isEmpty(c: RolloutCounts): boolean {
  return (
    Object.keys(c.versions).length === 0 && c.shadow.rows === 0 && Object.keys(c.latency ?? {}).length === 0
  )
}
