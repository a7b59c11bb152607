/**
 * The rollout in one serving process: which version answers a prediction (canary), the shadow scoring off
 * the response path, labelled feedback scored by every loaded version, and the counts sent to the instance's
 * tally (this process, or the cluster primary: src/server/rollout-cluster.ts), which runs the gate once on
 * the sums. A decision is carried out here: an aliases edit, then a registry sync so every worker switches.
 * The running rollout is read from the served set (aliases.json's `rollout` record), so all workers and
 * instances follow the same one. While one runs, each prediction's compute time is counted per version
 * (../../model/rollout/latency.ts) and sent with the other counts, for the gate's p99 rule.
 */

import {
  CANDIDATE,
  type RolloutRecord,
  type ServedSet,
  type ServedVersions,
} from '../../model/registry/index.js'
import { addCounts, emptyCounts, isEmpty, type RolloutCounts } from '../../model/rollout/counts.js'
import { emptyLatency, latencyByVersion, observeLatency } from '../../model/rollout/latency.js'
import type { FinalDecision, RolloutIdentity } from '../../model/rollout/tally.js'
import { saltSeed, toCandidate } from '../../model/rollout/traffic.js'
import type { PredictionModel } from '../../model/types.js'
import type { Logger } from '../logging.js'
import type { RolloutMetrics } from './rollout-metrics.js'

/** Sends a delta to the instance's tally; resolves with its decision (at most once per rollout) and the sums. */
export type TallyPort = (
  delta: RolloutCounts,
  rollout: RolloutIdentity,
) => Promise<{ decision: FinalDecision | null; sums: RolloutCounts }>

/** Carries out a decision (aliases edit + sync); errors are logged by the engine. */
export type DecisionRunner = (decision: FinalDecision, rollout: ActiveRollout) => Promise<void>

export interface ActiveRollout extends RolloutIdentity {
  record: RolloutRecord
  /** The traffic split's hash seed for this rollout (./traffic.ts). */
  seed: number
  stableModel: PredictionModel
  candidateModel: PredictionModel
}

/** The running rollout of a served set, when its candidate is loaded. */
export function activeRolloutOf(set: ServedSet | null): ActiveRollout | null {
  const record = set?.snapshot.rollout
  if (!set || !record || record.status !== 'running' || record.mode === null || record.candidate === null)
    return null
  const candidateModel = set.models.get(set.aliases[CANDIDATE] ?? '')
  if (candidateModel === undefined || candidateModel.version !== record.candidate) return null
  const stableModel = set.stable
  const key = `${set.name}:${stableModel.version}>${record.candidate}:${record.mode}:${record.updated_at}`
  return {
    key,
    seed: saltSeed(key),
    stable: stableModel.version,
    candidate: record.candidate,
    mode: record.mode,
    record,
    stableModel,
    candidateModel,
  }
}

/** Shadow scores and prediction times are sent to the tally at most this often (feedback: at once). */
const FLUSH_MS = 250

/** Milliseconds from an arbitrary origin (performance.now; tests pass a fake one). */
export type Clock = () => number
const monotonic: Clock = () => performance.now()

export class RolloutEngine {
  /** The running rollout, recomputed on every swap of the served set (read on the hot path). */
  active: ActiveRollout | null = null
  /** The latest sums the tally reported for the active rollout (GET /models). */
  sums: RolloutCounts | null = null
  private pending: RolloutCounts | null = null
  private timer: NodeJS.Timeout | null = null
  private shadowQueue: { rows: Float64Array; nRows: number; stableIdx: Int32Array }[] = []

  constructor(
    versions: ServedVersions,
    private readonly metrics: RolloutMetrics,
    private readonly tally: TallyPort,
    private readonly run: DecisionRunner,
    private readonly logger: Logger,
    /** Times predictions during a rollout (PredictEndpoint reads it around the model call). */
    readonly clock: Clock = monotonic,
  ) {
    this.active = activeRolloutOf(versions.current)
    versions.onSwap((set) => {
      this.active = activeRolloutOf(set)
      if (this.sums?.key !== this.active?.key) this.sums = null
    })
  }

  /** The model that answers this prediction: the candidate for a canary share, else null (stable answers). */
  route(clientKey: string | undefined): PredictionModel | null {
    const a = this.active
    if (a === null || a.mode !== 'canary') return null
    return toCandidate(a.record.weight, clientKey, a.seed, Math.random) ? a.candidateModel : null
  }

  /**
   * In shadow mode, the candidate scores the rows stable answered, after the response is sent: requests are
   * queued and scored together in one setImmediate, so the response path only appends to a list.
   */
  shadow(rows: Float64Array, nRows: number, stableIdx: Int32Array): void {
    const a = this.active
    if (a === null || a.mode !== 'shadow') return
    this.shadowQueue.push({ rows, nRows, stableIdx })
    if (this.shadowQueue.length === 1) setImmediate(() => this.scoreShadow(a))
  }

  /** p99 (ms) and sample count per version of the running rollout, from the tally's sums (GET /models, /metrics). */
  p99ByVersion(): Record<string, { samples: number; p99_ms: number | null }> {
    const sums = this.sums
    if (this.active === null || sums === null || sums.key !== this.active.key) return {}
    return latencyByVersion(sums)
  }

  /**
   * Counts one prediction's compute time (ms) for `version`, when it is the running rollout's stable or
   * candidate: in canary mode the version that answered; in shadow mode stable's answer (the candidate's
   * off-path scoring of the same rows is timed in scoreShadow).
   */
  observeLatency(version: string, ms: number): void {
    const a = this.active
    if (a === null || (version !== a.stable && version !== a.candidate)) return
    const p = this.pendingFor(a.key)
    observeLatency((p.latency[version] ??= emptyLatency()), ms)
    this.scheduleFlush()
  }

  private scoreShadow(a: ActiveRollout): void {
    const queue = this.shadowQueue
    this.shadowQueue = []
    if (this.active !== a) return
    let rows = 0
    let agree = 0
    const p = this.pendingFor(a.key)
    const times = (p.latency[a.candidate] ??= emptyLatency())
    for (const q of queue) {
      const t0 = this.clock()
      const idx = a.candidateModel.predictIndices(q.rows, q.nRows)
      observeLatency(times, this.clock() - t0)
      rows += q.nRows
      for (let i = 0; i < q.nRows; i++) if (idx[i] === q.stableIdx[i]) agree++
    }
    p.shadow.rows += rows
    p.shadow.agree += agree
    this.scheduleFlush()
  }

  private scheduleFlush(): void {
    this.timer ??= setTimeout(() => {
      this.timer = null
      void this.flush()
    }, FLUSH_MS).unref()
  }

  /**
   * Labelled rows: every loaded version predicts them; returns correct counts per version. Paired counts go
   * to the running rollout's tally (and may trigger its decision before this resolves).
   */
  async feedback(
    models: readonly PredictionModel[],
    rows: Float64Array,
    nRows: number,
    truth: Int32Array,
  ): Promise<Record<string, { correct: number }>> {
    const a = this.active
    const delta = emptyCounts(a?.key ?? 'none')
    const right = new Map<string, Uint8Array>()
    const out: Record<string, { correct: number }> = {}
    for (const m of models) {
      const idx = m.predictIndices(rows, nRows)
      const ok = new Uint8Array(nRows)
      let correct = 0
      for (let i = 0; i < nRows; i++) {
        if (idx[i] !== truth[i]) continue
        ok[i] = 1
        correct++
      }
      right.set(m.version, ok)
      out[m.version] = { correct }
      delta.versions[m.version] = { rows: nRows, correct }
    }
    const s = a && right.get(a.stable)
    const c = a && right.get(a.candidate)
    if (s && c) {
      for (let i = 0; i < nRows; i++) {
        if (s[i] && c[i]) delta.paired.both++
        else if (c[i]) delta.paired.candidateOnly++
        else if (s[i]) delta.paired.stableOnly++
        else delta.paired.neither++
      }
    }
    this.metrics.observe(delta)
    if (a !== null) {
      addCounts(this.pendingFor(a.key), delta)
      await this.flush()
    }
    return out
  }

  private pendingFor(key: string): RolloutCounts {
    if (this.pending === null || this.pending.key !== key) this.pending = emptyCounts(key)
    return this.pending
  }

  /** Sends what this process saw since the last flush to the tally; carries out a decision if one comes back. */
  async flush(): Promise<void> {
    const a = this.active
    const delta = this.pending
    this.pending = null
    if (a === null || delta === null || delta.key !== a.key || isEmpty(delta)) return
    if (delta.shadow.rows > 0) this.metrics.observe({ ...emptyCounts(a.key), shadow: delta.shadow })
    try {
      const { decision, sums } = await this.tally(delta, a)
      if (this.active?.key === a.key) this.sums = sums
      if (decision === null) return
      if (decision.action === 'rollback') {
        this.metrics.rollbacks.inc({ reason: decision.reason })
        this.logger.warn(
          {
            rollout: a.key,
            candidate: a.candidate,
            stable: a.stable,
            reason: decision.reason,
            detail: decision.detail,
          },
          'Rollout rolled back by the gate',
        )
      } else {
        this.logger.info(
          { rollout: a.key, candidate: a.candidate, detail: decision.detail },
          'Rollout promoted by the gate',
        )
      }
      await this.run(decision, a)
    } catch (err) {
      this.logger.error({ err, rollout: a.key }, 'Rollout gate: the decision could not be carried out')
    }
  }
}
