/**
 * The start-up line says the address actually bound: with HOST=0.0.0.0 that is 0.0.0.0 (every interface),
 * not the 127.0.0.1 Fastify's listen() reports first; in one process and from a cluster's primary alike.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt } from '../../dev/harness/build.js'
import {
  parsed,
  type Running,
  startServer,
  waitFor200,
  waitForLog,
} from '../../dev/harness/server-process.js'

beforeAll(() => ensureBuilt(), 300_000)

let running: Running | undefined
afterEach(async () => {
  await running?.stop(5000)
  running = undefined
})

describe('the start-up line', () => {
  it.each(['1', '2'])(
    'names 0.0.0.0 when HOST=0.0.0.0 (WORKERS=%s)',
    async (workers) => {
      running = await startServer({ HOST: '0.0.0.0', WORKERS: workers, STANDBY_WORKERS: '0' })
      await waitFor200(`${running.base}/health/ready`, 1, 60_000, running)
      await waitForLog(running, 'Server listening')
      const line = parsed(running.lines).find((l) => l.message === 'Server listening')
      expect(line?.address).toBe(`http://0.0.0.0:${running.port}`)
    },
    90_000,
  )
})
