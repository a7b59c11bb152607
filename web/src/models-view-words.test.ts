import { describe, expect, it } from 'vitest'
import {
  accuracyText,
  historyCells,
  latencyText,
  msText,
  onlineText,
  pairedText,
  rolloutHeadline,
  shadowText,
} from './models-view-words.js'

describe('models view wording', () => {
  it('formats accuracies, with a dash for none', () => {
    expect(accuracyText(0.9667)).toBe('96.7%')
    expect(accuracyText(null)).toBe('—')
    expect(accuracyText(undefined)).toBe('—')
  })

  it('gives online accuracy with its interval and row count', () => {
    expect(onlineText(0.82, 50, [0.701, 0.899])).toBe('82.0% (95% CI 70.1%–89.9%, 50 rows)')
    expect(onlineText(0.5, 2)).toBe('50.0% (2 rows)')
    expect(onlineText(null, 0)).toBe('no labelled feedback yet')
  })

  it('says the rollout state and split', () => {
    expect(rolloutHeadline({ status: 'none' })).toBe('no rollout: every request goes to stable')
    expect(
      rolloutHeadline({ status: 'running', stable: '1', candidate: '2', mode: 'canary', weight: 0.2 }),
    ).toBe('running — candidate 2 beside stable 1; canary: 20.0% of requests to the candidate')
    expect(
      rolloutHeadline({ status: 'running', stable: '1', candidate: '2', mode: 'shadow', weight: 0 }),
    ).toMatch(/shadow: stable answers every request/)
    expect(
      rolloutHeadline({ status: 'rolled_back', candidate: '2', reason: 'gate: worse than stable' }),
    ).toBe('rolled back — candidate 2 withdrawn (gate: worse than stable)')
    expect(rolloutHeadline({ status: 'promoted', candidate: '3', reason: null })).toBe(
      'promoted — candidate 3 became stable',
    )
  })

  it('gives paired counts with McNemar p, and shadow agreement, only when there are rows', () => {
    // 9 vs 1 discordant rows: exact two-sided p = 2 · 11/1024.
    const paired = { rows: 60, candidate_only_right: 1, stable_only_right: 9, mcnemar_p: 0.021484375 }
    expect(pairedText({ status: 'running', paired })).toBe(
      'On 60 paired rows: candidate right & stable wrong 1, stable right & candidate wrong 9; McNemar p = 0.021',
    )
    expect(pairedText({ status: 'running', paired: { ...paired, rows: 0 } })).toBeNull()
    expect(pairedText({ status: 'none' })).toBeNull()
    expect(shadowText({ status: 'running', shadow: { rows: 40, agreements: 38, agreement: 0.95 } })).toBe(
      'Shadow agreement: 95.0% (38 of 40 rows)',
    )
    expect(shadowText({ status: 'running', shadow: { rows: 0, agreements: 0, agreement: null } })).toBeNull()
  })
})

describe('models view: p99 and history wording', () => {
  it('gives each side p99 prediction time with its sample count, only once timed', () => {
    expect(msText(0.012345)).toBe('0.0123 ms')
    expect(msText(12.34)).toBe('12.3 ms')
    const r = {
      status: 'running',
      stable: '1',
      candidate: '2',
      latency: { '1': { samples: 400, p99_ms: 0.0121 }, '2': { samples: 100, p99_ms: 5.04 } },
    }
    expect(latencyText(r)).toBe(
      'p99 prediction time: stable 1 0.0121 ms (400 predictions), candidate 2 5.04 ms (100 predictions)',
    )
    expect(latencyText({ ...r, latency: { '1': { samples: 3, p99_ms: 0.5 } } })).toBe(
      'p99 prediction time: stable 1 0.5 ms (3 predictions)',
    )
    expect(latencyText({ ...r, latency: {} })).toBeNull()
    expect(latencyText({ status: 'none' })).toBeNull()
  })

  it('says what each alias change did, from which version to which, and why', () => {
    expect(
      historyCells({ action: 'promote', alias: 'stable', from: '1', to: '2', reason: 'admin api' }),
    ).toEqual({
      action: 'Promoted',
      change: 'stable: 1 → 2',
      reason: 'admin api',
    })
    expect(
      historyCells({ action: 'rollback', alias: 'candidate', from: '2', to: null, reason: null }),
    ).toEqual({ action: 'Rolled back', change: 'candidate: 2 → none', reason: '—' })
    expect(
      historyCells({ action: 'register', alias: 'stable', from: null, to: '1', reason: 'cli' }).action,
    ).toBe('Registered')
    expect(
      historyCells({ action: 'rollout', alias: 'candidate', from: null, to: '2', reason: null }).action,
    ).toBe('Rollout started')
  })
})
