/**
 * Sums a rollout's counts and runs the gate on the sums, deciding at most once per rollout. One tally per
 * instance: in a lone process it sits in the process; in a cluster the primary holds it and every worker
 * sends its counts there (src/server/rollout-cluster.ts), so the gate judges all workers' rows together and
 * all workers switch together (the decision becomes an aliases edit every worker then syncs).
 */
import { addCounts, emptyCounts, type RolloutCounts } from './counts.js'
import { evaluateGate, type GateDecision, type GateSettings } from './gate.js'

export interface RolloutIdentity {
  key: string
  stable: string
  candidate: string
  mode: 'canary' | 'shadow'
}

export type FinalDecision = Extract<GateDecision, { action: 'rollback' | 'promote' }>

export class RolloutTally {
  private totals: RolloutCounts | null = null
  private decided = new Set<string>()

  constructor(private readonly settings: GateSettings) {}

  /** Adds one worker's delta; returns the decision to carry out, the first (and only) time there is one. */
  add(delta: RolloutCounts, rollout: RolloutIdentity): FinalDecision | null {
    if (delta.key !== rollout.key) return null
    if (this.totals === null || this.totals.key !== rollout.key) this.totals = emptyCounts(rollout.key)
    addCounts(this.totals, delta)
    if (this.decided.has(rollout.key)) return null
    const d = evaluateGate(this.totals, rollout, this.settings)
    if (d.action !== 'rollback' && d.action !== 'promote') return null
    this.decided.add(rollout.key)
    return d
  }

  /** The sums so far for `key` (an empty count for another rollout). */
  sums(key: string): RolloutCounts {
    return this.totals?.key === key ? this.totals : emptyCounts(key)
  }
}
