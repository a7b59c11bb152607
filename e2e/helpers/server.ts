import { ROOT } from '../../dev/harness/build.js'
import { startServer as startBuiltServer, waitFor200 } from '../../dev/harness/server-process.js'

// Runs the production entry (`node dist/server.js`) the way `npm start` does, on a free port, through the
// one server harness (dev/harness/), so the browser tests see exactly what ships: the compiled server, the
// built UI and the committed model.

export { ensureBuilt } from '../../dev/harness/build.js'
export { ROOT }

export interface RunningServer {
  readonly url: string
  /** What the server wrote so far (for failure messages). */
  output(): string
  stop(): Promise<void>
}

/**
 * Starts `node dist/server.js` on a free port with WORKERS=1 and waits for /health/ready.
 * E2E_BASE_URL=http://host:port points the tests at a server you run yourself (e.g. `npm run dev`) instead.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const external = process.env.E2E_BASE_URL
  if (external)
    return { url: external.replace(/\/$/, ''), output: () => '(external server)', stop: async () => {} }
  const running = await startBuiltServer({ WORKERS: '1', LOG_LEVEL: 'warn', ...env })
  const stop = () => running.stop(10_000)
  try {
    await waitFor200(`${running.base}/health/ready`, 1, 30_000, running)
  } catch (err) {
    await stop()
    throw err
  }
  return { url: running.base, output: running.output, stop }
}
