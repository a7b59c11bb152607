import { describe, expect, it } from 'vitest'
import { restartDelayMs } from './primary.js'

describe('restartDelayMs', () => {
  it('backs off exponentially, up to a minute, for workers that keep failing before their model is in', () => {
    expect([1, 2, 3, 4, 5, 8, 30].map((n) => restartDelayMs(n, true, 1))).toEqual([
      0, 1000, 2000, 4000, 8000, 60_000, 60_000,
    ])
  })

  it('replaces a serving worker at once, and pauses 1 s when more than five died within 10 s', () => {
    expect(restartDelayMs(0, false, 1)).toBe(0)
    expect(restartDelayMs(0, false, 5)).toBe(0)
    expect(restartDelayMs(0, false, 6)).toBe(1000)
  })
})
