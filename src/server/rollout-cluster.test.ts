import { afterEach, describe, expect, it } from 'vitest'
import { emptyCounts } from '../model/rollout/counts.js'
import { workerRolloutTally } from './rollout-cluster.js'

const realSend = process.send

afterEach(() => {
  process.send = realSend
})

describe('workerRolloutTally (the worker end of the rollout counts)', () => {
  it('sends the rollout identity only, never the models the engine holds, and resolves on the answer', async () => {
    const sent: unknown[] = []
    process.send = ((msg: unknown) => {
      sent.push(msg)
      return true
    }) as typeof process.send
    const key = 'iris_model:1>2:shadow:t'
    // What the engine passes: its ActiveRollout, whose models carry whole forests.
    const active = {
      key,
      stable: '1',
      candidate: '2',
      mode: 'shadow' as const,
      seed: 7,
      record: { status: 'running' },
      stableModel: { forest: new Float64Array(50_000) },
      candidateModel: { forest: new Float64Array(50_000) },
    }
    const delta = { ...emptyCounts(key), shadow: { rows: 3, agree: 2 } }
    const answer = workerRolloutTally()(delta, active)
    expect(sent).toHaveLength(1)
    const msg = sent[0] as { id: number; rollout: object }
    expect(msg.rollout).toEqual({ key, stable: '1', candidate: '2', mode: 'shadow' })
    expect(JSON.stringify(msg).length).toBeLessThan(2000)
    const sums = { ...delta, shadow: { rows: 10, agree: 9 } }
    process.emit('message', { type: 'iris:rollout-tally', id: msg.id, decision: null, sums }, undefined)
    await expect(answer).resolves.toEqual({ decision: null, sums })
  })
})
