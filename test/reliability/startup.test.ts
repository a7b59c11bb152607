/**
 * Start-up with a bad model fails fast: exit 1, and the log says which file and what is wrong, once per
 * process that tried (issue 7, "Model reloads"). The missing-file case is in test/server/server.test.ts.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type ModelFiles, makeModelFiles } from '../../dev/harness/model-files.js'
import { ensureBuilt, parsed, type Running, startServer } from '../server/process.js'

let files: ModelFiles
let running: Running | undefined
beforeAll(async () => {
  ensureBuilt()
  files = await makeModelFiles()
}, 180_000)
afterEach(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill('SIGKILL')
    await running.exited
  }
})

describe('start-up with a bad model file', () => {
  const cases: [string, () => string, RegExp, string][] = [
    ['corrupt', () => files.corrupt, /not valid JSON/, '1'],
    ['truncated', () => files.truncated, /not valid JSON: unexpected end of input/, '2'],
  ]
  it.each(cases)(
    '%s: exits 1 quickly with a message naming the file and the fault',
    async (_n, path, fault, workers) => {
      const started = Date.now()
      running = await startServer({ WORKERS: workers, MODEL_PATH: path() })
      const { code } = await running.exited
      const ms = Date.now() - started
      expect(code).toBe(1)
      const fatal = parsed(running.lines).filter((l) => l.message === 'The model could not be loaded')
      expect(fatal.length).toBeGreaterThanOrEqual(1)
      expect(fatal.length).toBeLessThanOrEqual(Number(workers))
      const text = JSON.stringify(fatal[0])
      expect(text).toContain(path())
      expect(text).toMatch(fault)
      console.log(`${_n} model, ${workers} worker(s): exit ${code} after ${ms} ms`)
    },
    60_000,
  )
})
