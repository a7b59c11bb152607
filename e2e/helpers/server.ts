import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../test/support/net.js'

// Runs the production entry (`node dist/server.js`) the way `npm start` does, on a free port, so the
// browser tests see exactly what ships: the compiled server, the built UI and the committed model.

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface RunningServer {
  readonly url: string
  /** What the server wrote so far (for failure messages). */
  output(): string
  stop(): Promise<void>
}

/** Builds once when the compiled server or UI is missing (npm test builds first via pretest). */
export function ensureBuilt(): void {
  const missing = ['dist/server.js', 'dist/web/index.html'].filter((p) => !existsSync(`${ROOT}${p}`))
  if (missing.length === 0) return
  console.log(`e2e: ${missing.join(', ')} missing; running npm run build`)
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' })
}

async function waitReady(url: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`server exited with code ${child.exitCode} before it was ready:\n${output()}`)
    }
    try {
      const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) })
      if (response.status === 200) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`server not ready on ${url}/health/ready within ${timeoutMs} ms:\n${output()}`)
}

/**
 * Starts `node dist/server.js` on a free port with WORKERS=1 and waits for /health/ready.
 * E2E_BASE_URL=http://host:port points the tests at a server you run yourself (e.g. `npm run dev`) instead.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const external = process.env.E2E_BASE_URL
  if (external)
    return { url: external.replace(/\/$/, ''), output: () => '(external server)', stop: async () => {} }
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', WORKERS: '1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  }

  try {
    await waitReady(url, child, () => log, 30_000)
  } catch (err) {
    await stop()
    throw err
  }
  return { url, output: () => log, stop }
}
