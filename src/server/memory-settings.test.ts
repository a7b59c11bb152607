import { describe, expect, it } from 'vitest'
import {
  MALLOC_ARENAS,
  WORKER_OLD_SPACE_MB,
  WORKER_SEMI_SPACE_MB,
  workerEnv,
  workerExecArgv,
} from './memory-settings.js'

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
