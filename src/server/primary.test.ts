import { describe, expect, it } from 'vitest'
import {
  MALLOC_ARENAS,
  restartDelayMs,
  WORKER_OLD_SPACE_MB,
  WORKER_SEMI_SPACE_MB,
  workerEnv,
  workerExecArgv,
} from './primary.js'

describe('workerExecArgv', () => {
  it("adds a smaller young generation and an old-generation limit to the parent's flags", () => {
    expect(workerExecArgv(['--enable-source-maps'], '')).toEqual([
      '--enable-source-maps',
      `--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`,
      `--max-old-space-size=${WORKER_OLD_SPACE_MB}`,
    ])
  })

  it("keeps the operator's sizes from the command line, each on its own", () => {
    expect(workerExecArgv(['--max-semi-space-size=16'], '')).toEqual([
      '--max-semi-space-size=16',
      `--max-old-space-size=${WORKER_OLD_SPACE_MB}`,
    ])
    expect(workerExecArgv(['--max-old-space-size=1024'], '')).toEqual([
      '--max-old-space-size=1024',
      `--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`,
    ])
  })

  it("keeps the operator's sizes from NODE_OPTIONS", () => {
    expect(workerExecArgv([], '--max-old-space-size=512 --max-semi-space-size=8')).toEqual([])
  })
})

describe('workerEnv', () => {
  it('limits glibc malloc arenas unless the operator chose a number', () => {
    expect(workerEnv({})).toEqual({ MALLOC_ARENA_MAX: String(MALLOC_ARENAS) })
    expect(workerEnv({ MALLOC_ARENA_MAX: '8' })).toEqual({})
  })
})

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
