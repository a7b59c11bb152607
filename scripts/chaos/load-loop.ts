/** Closed-loop clients on keep-alive connections: each result is tagged with when its request started. */
import { Agent } from 'node:http'
import { send } from '../../dev/harness/http-client.js'
import { sleep } from './settings.js'

export interface LoopResult {
  startedAt: number
  status: number
  body: string
  error?: string
}

export function loadLoop(
  base: string,
  path: string,
  body: string,
  connections: number,
  headers: Record<string, string> = {},
) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const results: LoopResult[] = []
  let running = true
  const loops = Array.from({ length: connections }, async () => {
    while (running) {
      const startedAt = Date.now()
      try {
        const r = await send(base, path, { body: JSON.parse(body), agent, headers })
        results.push({ startedAt, status: r.status, body: r.body })
      } catch (err) {
        results.push({
          startedAt,
          status: 0,
          body: '',
          error: (err as NodeJS.ErrnoException).code ?? String(err),
        })
        await sleep(5) // a refused connection must not spin
      }
    }
  })
  return {
    results,
    async stop() {
      running = false
      await Promise.all(loops)
      agent.destroy()
    },
  }
}
