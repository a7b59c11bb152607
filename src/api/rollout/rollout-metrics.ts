/**
 * The rollout's Prometheus series (counters, so the cluster primary's aggregate is the sum over workers):
 * labelled feedback per version (online accuracy = correct / rows), the paired outcomes, shadow agreement,
 * and automatic rollbacks by reason. deploy/k8s/canary/metric-templates.yaml (Flagger) reads them. One gauge,
 * the running rollout's p99 prediction time per version, is read from the instance's summed counts at scrape
 * time; every worker holds the same sums, so the cluster aggregate takes the largest (the freshest).
 */
import { Counter, Gauge, type Registry } from 'prom-client'
import type { RolloutCounts } from '../../model/rollout/counts.js'

export class RolloutMetrics {
  readonly feedbackRows: Counter<'version'>
  readonly feedbackCorrect: Counter<'version'>
  readonly paired: Counter<'outcome'>
  readonly shadowRows: Counter
  readonly shadowAgreements: Counter
  readonly rollbacks: Counter<'reason'>
  readonly p99: Gauge<'version'>
  /** The running rollout's p99 per version (set by install.ts to the engine's; none by default). */
  p99Source: () => Record<string, { p99_ms: number | null }> = () => ({})

  constructor(registry: Registry) {
    const registers = [registry]
    this.feedbackRows = new Counter({
      name: 'iris_feedback_rows_total',
      help: 'Labelled feedback rows scored, per model version (POST /feedback)',
      labelNames: ['version'],
      registers,
    })
    this.feedbackCorrect = new Counter({
      name: 'iris_feedback_correct_total',
      help: 'Labelled feedback rows the version predicted right (online accuracy = correct / rows)',
      labelNames: ['version'],
      registers,
    })
    this.paired = new Counter({
      name: 'iris_rollout_paired_rows_total',
      help: 'Feedback rows scored by both stable and candidate: both, candidate_only, stable_only, neither right',
      labelNames: ['outcome'],
      registers,
    })
    this.shadowRows = new Counter({
      name: 'iris_shadow_rows_total',
      help: 'Rows the shadow candidate scored off the response path',
      registers,
    })
    this.shadowAgreements = new Counter({
      name: 'iris_shadow_agreements_total',
      help: 'Shadow rows where the candidate predicted the class stable answered',
      registers,
    })
    this.rollbacks = new Counter({
      name: 'iris_rollbacks_total',
      help: 'Rollouts rolled back by the automatic gate, by reason',
      labelNames: ['reason'],
      registers,
    })
    const metrics = this
    this.p99 = new Gauge({
      name: 'iris_rollout_p99_ms',
      help: 'Running rollout: p99 prediction compute time per version, ms (summed over the workers)',
      labelNames: ['version'],
      aggregator: 'max',
      registers,
      collect() {
        this.reset()
        for (const [version, { p99_ms }] of Object.entries(metrics.p99Source()))
          if (p99_ms !== null) this.set({ version }, p99_ms)
      },
    })
  }

  /** Counts one delta (what this process saw). */
  observe(delta: RolloutCounts): void {
    for (const [version, c] of Object.entries(delta.versions)) {
      this.feedbackRows.inc({ version }, c.rows)
      this.feedbackCorrect.inc({ version }, c.correct)
    }
    const p = delta.paired
    if (p.both) this.paired.inc({ outcome: 'both' }, p.both)
    if (p.candidateOnly) this.paired.inc({ outcome: 'candidate_only' }, p.candidateOnly)
    if (p.stableOnly) this.paired.inc({ outcome: 'stable_only' }, p.stableOnly)
    if (p.neither) this.paired.inc({ outcome: 'neither' }, p.neither)
    if (delta.shadow.rows) {
      this.shadowRows.inc(delta.shadow.rows)
      this.shadowAgreements.inc(delta.shadow.agree)
    }
  }
}
