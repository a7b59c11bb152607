import { describe, expect, it } from 'vitest'
import { accuracyText, onlineText, pairedText, rolloutHeadline, shadowText } from './models-view-words.js'

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
