/**
 * `npm start` runs scripts/start.mjs, which runs the server (`node dist/server.js`) as its child. Signals a
 * user sends to the launcher must reach the server: SIGHUP re-reads the model registry on every worker,
 * SIGTERM stops the server gracefully and the launcher exits with the server's code, leaving no process
 * behind. Through `npm start` itself, SIGTERM reaches the server the same way: the script is
 * `exec node scripts/start.mjs`, so npm's child is the launcher itself, not a shell that would die and
 * leave it orphaned (npm forwards SIGTERM and SIGINT; not SIGHUP, so reloads signal the launcher or server).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt } from '../../dev/harness/build.js'
import { freePort } from '../../dev/harness/free-port.js'
import { allReady } from '../../dev/harness/http-client.js'
import { waitFor200 } from '../../dev/harness/server-process.js'

beforeAll(() => ensureBuilt(), 300_000)

interface Launched {
  child: ChildProcess
  base: string
  lines: string[]
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const started: Launched[] = []
afterEach(async () => {
  for (const l of started.splice(0)) {
    if (l.child.exitCode === null && l.child.signalCode === null) {
      l.child.kill('SIGKILL')
      await l.exited
    }
  }
})

async function launch(argv: string[]): Promise<Launched> {
  const port = await freePort()
  const child = spawn(argv[0]!, argv.slice(1), {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), WORKERS: '2', STANDBY_WORKERS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  let buf = ''
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString()
    const parts = buf.split('\n')
    buf = parts.pop() ?? ''
    lines.push(...parts)
  })
  child.stderr?.resume()
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  const launched = { child, base: `http://127.0.0.1:${port}`, lines, exited }
  started.push(launched)
  await waitFor200(`${launched.base}/health/ready`, 2, 60_000)
  await until('the "Server listening" line', () => lines.some((l) => l.includes('"Server listening"')))
  return launched
}

/** The server's primary pid, from its start-up line. */
function serverPid(lines: readonly string[]): number {
  for (const line of lines) {
    if (!line.startsWith('{')) continue
    const l = JSON.parse(line) as { message?: string; pid?: number }
    if (l.message === 'Server listening' && typeof l.pid === 'number') return l.pid
  }
  throw new Error(`no "Server listening" line in:\n${lines.join('\n')}`)
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('the npm start launcher (scripts/start.mjs) passes signals to the server', () => {
  it('SIGHUP to the launcher reloads the server; SIGTERM stops it and the launcher exits with its code', async () => {
    const l = await launch([process.execPath, 'scripts/start.mjs'])
    const server = serverPid(l.lines)
    expect(server).not.toBe(l.child.pid)
    l.child.kill('SIGHUP')
    await until('the server to re-read the registry', () =>
      l.lines.some((line) => line.includes('SIGHUP: re-reading the model registry')),
    )
    expect(l.child.exitCode).toBeNull()
    await allReady(l.base, 6)

    l.child.kill('SIGTERM')
    expect(await l.exited).toEqual({ code: 0, signal: null })
    expect(l.lines.some((line) => line.includes('Stopping workers'))).toBe(true)
    await until('the server process to be gone', () => !alive(server))
  }, 120_000)

  it('SIGTERM to `npm start` reaches the server: nothing is left running', async () => {
    const l = await launch(['npm', 'start', '--silent'])
    const server = serverPid(l.lines)
    l.child.kill('SIGTERM')
    await l.exited
    await until('the server process to be gone', () => !alive(server))
    await expect(fetch(`${l.base}/health/live`)).rejects.toThrow()
  }, 120_000)
})
