/**
 * The rollout gate across a node:cluster: each worker counts its own feedback and shadow rows and prediction
 * times (bucket counts, src/model/rollout/latency.ts) and sends them
 * to the primary ({type: 'iris:rollout-counts'}); the primary holds the instance's one RolloutTally, sums
 * every worker's counts, runs the gate on the sums and answers ({type: 'iris:rollout-tally'}) with the sums
 * and, the first and only time the gate decides, the decision. The worker that receives it carries it out (an
 * aliases edit, then the registry sync every worker follows), so all workers switch together.
 */
import cluster from 'node:cluster'
import type { TallyPort } from '../api/rollout/engine.js'
import { gateSettingsOf } from '../api/rollout/install.js'
import type { Config } from '../config.js'
import type { RolloutCounts } from '../model/rollout/counts.js'
import { type FinalDecision, type RolloutIdentity, RolloutTally } from '../model/rollout/tally.js'

const COUNTS = 'iris:rollout-counts'
const TALLY = 'iris:rollout-tally'
const TIMEOUT_MS = 5000

interface CountsMsg {
  type: typeof COUNTS
  id: number
  delta: RolloutCounts
  rollout: RolloutIdentity
}
interface TallyMsg {
  type: typeof TALLY
  id: number
  decision: FinalDecision | null
  sums: RolloutCounts
}

const isType = <T>(msg: unknown, type: string): msg is T =>
  typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === type

/** In the primary: the instance's tally, answering every worker. */
export function serveClusterRollout(config: Config): RolloutTally {
  const tally = new RolloutTally(gateSettingsOf(config))
  cluster.on('message', (worker, msg: unknown) => {
    if (!isType<CountsMsg>(msg, COUNTS)) return
    const decision = tally.add(msg.delta, msg.rollout)
    const reply: TallyMsg = { type: TALLY, id: msg.id, decision, sums: tally.sums(msg.rollout.key) }
    if (worker.isConnected()) worker.send(reply)
  })
  return tally
}

/** In a worker: the TallyPort that asks the primary (a lost answer counts as no decision). */
export function workerRolloutTally(): TallyPort {
  let nextId = 0
  const waiting = new Map<number, (m: TallyMsg) => void>()
  let listening = false
  // The listener is added on the first counts sent: a worker that never sees a rollout adds none.
  const listen = () => {
    listening = true
    process.on('message', (msg: unknown) => {
      if (!isType<TallyMsg>(msg, TALLY)) return
      waiting.get(msg.id)?.(msg)
      waiting.delete(msg.id)
    })
  }
  return (delta, rollout) =>
    new Promise((resolve) => {
      if (!listening) listen()
      const id = ++nextId
      const timer = setTimeout(() => {
        waiting.delete(id)
        resolve({ decision: null, sums: delta })
      }, TIMEOUT_MS)
      timer.unref()
      waiting.set(id, (m) => {
        clearTimeout(timer)
        resolve({ decision: m.decision, sums: m.sums })
      })
      // The identity's four fields only: the engine passes its whole ActiveRollout (models included), which
      // serialised into every message cost ~80 kB of JSON each way and stalled both event loops.
      const { key, stable, candidate, mode } = rollout
      const msg: CountsMsg = { type: COUNTS, id, delta, rollout: { key, stable, candidate, mode } }
      process.send?.(msg)
    })
}
