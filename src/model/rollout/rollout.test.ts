/** The rollout's pure parts: sticky traffic split, counts that add up, and the gate's decisions. */
import { describe, expect, it } from 'vitest'
import { addCounts, emptyCounts } from './counts.js'
import { evaluateGate, type GateSettings } from './gate.js'
import { emptyLatency, observeLatency } from './latency.js'
import { RolloutTally } from './tally.js'
import { saltSeed, toCandidate, unitHash } from './traffic.js'

const SETTINGS: GateSettings = {
  minFeedback: 50,
  alpha: 0.05,
  errorMargin: 0.05,
  agreementFloor: 0.9,
  p99Margin: 1.5,
  latencyMinSamples: 100,
  p99FloorMs: 1,
  autoPromote: false,
}
const SEED = saltSeed('iris_model:1>2:canary:2026-11-30T00:00:00.000Z')
const ROLLOUT = { key: 'k', stable: '1', candidate: '2', mode: 'canary' as const }

function counts(both: number, candidateOnly: number, stableOnly: number, neither: number) {
  const c = emptyCounts('k')
  c.paired = { both, candidateOnly, stableOnly, neither }
  return c
}

describe('traffic split', () => {
  it('sends about `weight` of the clients to the candidate, each client always to the same side', () => {
    let candidate = 0
    for (let i = 0; i < 10_000; i++) {
      const side = toCandidate(0.2, `client-${i}`, SEED)
      expect(toCandidate(0.2, `client-${i}`, SEED)).toBe(side)
      if (side) candidate++
    }
    expect(candidate / 10_000).toBeGreaterThan(0.18)
    expect(candidate / 10_000).toBeLessThan(0.22)
  })

  it('hashes near-identical keys far apart, and draws at random without a key', () => {
    const hs = Array.from({ length: 10 }, (_, i) => unitHash(`client-${i}`, SEED))
    expect(Math.max(...hs) - Math.min(...hs)).toBeGreaterThan(0.5)
    expect(toCandidate(0.5, undefined, SEED, () => 0.49)).toBe(true)
    expect(toCandidate(0.5, undefined, SEED, () => 0.51)).toBe(false)
    expect(toCandidate(0, 'a', SEED)).toBe(false)
    expect(toCandidate(1, 'a', SEED)).toBe(true)
  })
})

describe('gate', () => {
  it('waits for ROLLOUT_MIN_FEEDBACK paired rows', () => {
    expect(evaluateGate(counts(10, 0, 30, 0), ROLLOUT, SETTINGS).action).toBe('wait')
  })

  it('rolls back a candidate significantly worse on the same rows (McNemar exact)', () => {
    const d = evaluateGate(counts(20, 2, 30, 0), ROLLOUT, SETTINGS)
    expect(d).toMatchObject({ action: 'rollback', reason: 'significantly_worse' })
  })

  it('rolls back on the error margin when the test is not yet significant', () => {
    const d = evaluateGate(counts(40, 4, 10, 0), ROLLOUT, { ...SETTINGS, alpha: 0.001 })
    expect(d).toMatchObject({ action: 'rollback', reason: 'error_margin' })
  })

  it('keeps an equal candidate, or promotes it with autoPromote', () => {
    expect(evaluateGate(counts(45, 3, 3, 1), ROLLOUT, SETTINGS).action).toBe('keep')
    expect(evaluateGate(counts(45, 3, 3, 1), ROLLOUT, { ...SETTINGS, autoPromote: true }).action).toBe(
      'promote',
    )
  })

  it('in shadow mode rolls back when agreement falls below the floor', () => {
    const c = emptyCounts('k')
    c.shadow = { rows: 100, agree: 60 }
    const d = evaluateGate(c, { ...ROLLOUT, mode: 'shadow' }, SETTINGS)
    expect(d).toMatchObject({ action: 'rollback', reason: 'shadow_agreement' })
  })
})

/** Counts with `n` predictions of each side timed at stableMs / candidateMs (and the odd slow one). */
function timed(n: number, stableMs: number, candidateMs: number, key = 'k') {
  const c = emptyCounts(key)
  const s = emptyLatency()
  const k = emptyLatency()
  for (let i = 0; i < n; i++) {
    observeLatency(s, i % 100 === 0 ? stableMs * 1.2 : stableMs)
    observeLatency(k, i % 100 === 0 ? candidateMs * 1.2 : candidateMs)
  }
  c.latency = { '1': s, '2': k }
  return c
}

describe('gate: p99 latency', () => {
  it('rolls back a candidate whose p99 exceeds the margin × stable p99, naming both, before any feedback', () => {
    const d = evaluateGate(timed(200, 2, 8), ROLLOUT, SETTINGS)
    expect(d).toMatchObject({ action: 'rollback', reason: 'latency_p99' })
    expect(d.detail).toMatch(
      /^candidate 2 p99 (7\.\d|8\.\d|9\.\d)\d* ms exceeds 1\.5× stable 1's p99 (1\.\d|2\.\d)\d* ms \(200 and 200 timed/,
    )
  })

  it('does not judge below the sample minimum, within the margin, under the floor, or with the rule off', () => {
    expect(evaluateGate(timed(99, 2, 8), ROLLOUT, SETTINGS).action).toBe('wait')
    expect(evaluateGate(timed(200, 2, 2.5), ROLLOUT, SETTINGS).action).toBe('wait')
    // 5× slower, but a p99 of 0.05 ms is timer noise for this gate.
    expect(evaluateGate(timed(200, 0.01, 0.05), ROLLOUT, SETTINGS).action).toBe('wait')
    expect(evaluateGate(timed(200, 2, 8), ROLLOUT, { ...SETTINGS, p99Margin: 0 }).action).toBe('wait')
  })

  it('judges the summed histograms: two workers each below the minimum are enough together', () => {
    const tally = new RolloutTally(SETTINGS)
    expect(tally.add(timed(60, 2, 8), ROLLOUT)).toBeNull()
    const d = tally.add(timed(60, 2, 8), ROLLOUT)
    expect(d).toMatchObject({ action: 'rollback', reason: 'latency_p99' })
    expect(d?.detail).toMatch(/\(120 and 120 timed predictions\)/)
    expect(tally.sums('k').latency['2']?.reduce((a, b) => a + b, 0)).toBe(120)
  })

  it('names both p99s when a candidate passes', () => {
    const c = timed(200, 2, 2)
    c.paired = { both: 45, candidateOnly: 3, stableOnly: 3, neither: 1 }
    expect(evaluateGate(c, ROLLOUT, SETTINGS)).toMatchObject({ action: 'keep' })
    expect(evaluateGate(c, ROLLOUT, SETTINGS).detail).toMatch(/p99 \d\.\d+ ms vs \d\.\d+ ms\)$/)
  })
})

describe('tally', () => {
  it('sums deltas from several workers and decides once', () => {
    const tally = new RolloutTally(SETTINGS)
    expect(tally.add(counts(10, 0, 15, 0), ROLLOUT)).toBeNull()
    const d = tally.add(counts(10, 1, 15, 0), ROLLOUT)
    expect(d).toMatchObject({ action: 'rollback' })
    expect(tally.add(counts(10, 1, 15, 0), ROLLOUT)).toBeNull()
    expect(tally.sums('k').paired).toEqual({ both: 30, candidateOnly: 2, stableOnly: 45, neither: 0 })
  })

  it('never mixes counts of another rollout', () => {
    const into = emptyCounts('a')
    addCounts(into, counts(1, 1, 1, 1))
    expect(into.paired.both).toBe(0)
  })
})
