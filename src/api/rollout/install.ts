/**
 * One RolloutEngine per app (found by its ApiContext, like the predict endpoints), with the gate settings
 * from the config, the instance's tally (this process unless the worker passes the cluster's) and the
 * decision runner: an aliases edit in the registry, then a sync of every worker through `reload`.
 */
import type { Config } from '../../config.js'
import type { Reloader } from '../../model/reload.js'
import { endRolloutRolledBack } from '../../model/rollout/commands.js'
import type { GateSettings } from '../../model/rollout/gate.js'
import { RolloutTally } from '../../model/rollout/tally.js'
import type { ApiContext } from '../context.js'
import {
  type ActiveRollout,
  type Clock,
  type DecisionRunner,
  RolloutEngine,
  type TallyPort,
} from './engine.js'
import { RolloutMetrics } from './rollout-metrics.js'

export function gateSettingsOf(config: Config): GateSettings {
  return {
    minFeedback: config.ROLLOUT_MIN_FEEDBACK,
    alpha: config.ROLLOUT_ALPHA,
    errorMargin: config.ROLLOUT_ERROR_MARGIN,
    agreementFloor: config.ROLLOUT_SHADOW_AGREEMENT_MIN,
    p99Margin: config.ROLLOUT_P99_MARGIN,
    latencyMinSamples: config.ROLLOUT_LATENCY_MIN_SAMPLES,
    p99FloorMs: config.ROLLOUT_P99_FLOOR_MS,
    autoPromote: config.ROLLOUT_AUTO_PROMOTE,
  }
}

/** The tally in this process (WORKERS=1, tests). */
export function localTally(settings: GateSettings): TallyPort {
  const tally = new RolloutTally(settings)
  return async (delta, rollout) => ({ decision: tally.add(delta, rollout), sums: tally.sums(rollout.key) })
}

function decisionRunner(ctx: ApiContext, reload: () => Reloader): DecisionRunner {
  return async (decision, a: ActiveRollout) => {
    const target = ctx.registry
    if (target === null) return
    const reason = `gate: ${decision.action === 'rollback' ? `${decision.reason}: ` : ''}${decision.detail}`
    if (decision.action === 'rollback')
      await endRolloutRolledBack(target.registry, target.name, a.candidate, reason)
    else await target.registry.promote(target.name, a.candidate, reason)
    await reload()(undefined)
  }
}

const engines = new WeakMap<ApiContext, RolloutEngine>()

export function installRollout(
  ctx: ApiContext,
  reload: () => Reloader,
  tally?: TallyPort,
  clock?: Clock,
): RolloutEngine {
  const metrics = new RolloutMetrics(ctx.metrics.registry)
  const engine = new RolloutEngine(
    ctx.versions,
    metrics,
    tally ?? localTally(gateSettingsOf(ctx.config)),
    decisionRunner(ctx, reload),
    ctx.logger,
    clock,
  )
  metrics.p99Source = () => engine.p99ByVersion()
  engines.set(ctx, engine)
  return engine
}

/** The app's engine (installed by app.ts before any route). */
export function rolloutOf(ctx: ApiContext): RolloutEngine | undefined {
  return engines.get(ctx)
}
