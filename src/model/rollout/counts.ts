/**
 * What a rollout has seen so far, in numbers that add up across workers: labelled feedback per version
 * (rows, correct), the paired comparison of candidate and stable on the very same rows, and, in shadow
 * mode, how often the candidate agreed with the stable answer. Plain JSON, so workers can send it to the
 * cluster primary, which sums them and decides once.
 */

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
  /** Prediction latency samples are not summed; p99 per side comes from the duration histogram instead. */
}

export function emptyCounts(key: string): RolloutCounts {
  return {
    key,
    versions: {},
    paired: { both: 0, candidateOnly: 0, stableOnly: 0, neither: 0 },
    shadow: { rows: 0, agree: 0 },
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
}

/** Paired rows: every feedback row both sides scored. */
export function pairedRows(p: PairedCounts): number {
  return p.both + p.candidateOnly + p.stableOnly + p.neither
}

export function isEmpty(c: RolloutCounts): boolean {
  return Object.keys(c.versions).length === 0 && c.shadow.rows === 0
}
