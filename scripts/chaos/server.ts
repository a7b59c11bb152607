/**
 * The server under chaos: `node dist/server.js` with 2 workers through the server harness (dev/harness/),
 * keeping the non-request log lines with the time each was read, so a scenario can time events.
 */
import { allReady } from '../../dev/harness/http-client.js'
import {
  childPids,
  parsed,
  type Running,
  servingPidsOf,
  startServer,
} from '../../dev/harness/server-process.js'
import { sleep } from './settings.js'

export interface ChaosServer {
  running: Running
  base: string
  /** Log lines whose message matters here (request lines are skipped), with when each was read. */
  events: { at: number; line: string }[]
}

export async function startChaosServer(
  graceS: number,
  env: Record<string, string> = {},
): Promise<ChaosServer> {
  const events: ChaosServer['events'] = []
  const running = await startServer(
    { WORKERS: '2', SHUTDOWN_GRACE_S: String(graceS), ...env },
    {
      stderr: 'inherit',
      keepLine: () => false,
      onLine: (line, at) => {
        if (!line.includes('"Request completed"')) events.push({ at, line })
      },
    },
  )
  await allReady(running.base, 10, 60_000)
  return { running, base: running.base, events }
}

export const workerPids = (s: ChaosServer): number[] => childPids(s.running.child.pid as number)

export const servingPids = (s: ChaosServer): number[] =>
  servingPidsOf(
    s.running.child.pid as number,
    s.events.map((e) => e.line),
  )

/** The first event with `message` at or after index `from`, waiting up to 20 s. */
export async function nextEvent(s: ChaosServer, message: string, from: number) {
  const end = Date.now() + 20_000
  while (Date.now() < end) {
    for (const e of s.events.slice(from)) {
      const [l] = parsed([e.line])
      if (l?.message === message) return { at: e.at, line: l }
    }
    await sleep(2)
  }
  return undefined
}
