import { describe, expect, it } from 'vitest'
import { WORKER_SEMI_SPACE_MB, workerExecArgv } from './primary.js'

describe('workerExecArgv', () => {
  it("adds a smaller young generation to the parent's flags", () => {
    expect(workerExecArgv(['--enable-source-maps'], '')).toEqual([
      '--enable-source-maps',
      `--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`,
    ])
  })

  it("keeps the operator's semi-space size from the command line", () => {
    expect(workerExecArgv(['--max-semi-space-size=16'], '')).toEqual(['--max-semi-space-size=16'])
  })

  it("keeps the operator's semi-space size from NODE_OPTIONS", () => {
    expect(workerExecArgv([], '--max-old-space-size=256 --max-semi-space-size=8')).toEqual([])
  })
})
