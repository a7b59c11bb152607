/**
 * A real redis-server (Debian's package) for the rate-limit tests: started on a free port of 127.0.0.1 with
 * no persistence (`--save '' --appendonly no`), stopped by the test. `redisBinary()` is undefined when the
 * binary is missing, so suites can skip with a message saying so (CI installs it: .ci/run).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { freePort } from '../../dev/harness/free-port.js'

export function redisBinary(): string | undefined {
  const dirs = ['/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(delimiter)]
  return dirs.map((d) => join(d, 'redis-server')).find((p) => existsSync(p))
}

export const NO_REDIS =
  'redis-server is not installed (apt-get install redis-server): Redis store tests skipped'

export interface RedisServer {
  port: number
  url: string
  child: ChildProcess
  /** SIGSTOP: the server holds connections but answers nothing (a "slow" Redis). */
  pause(): void
  resume(): void
  /** SIGKILL and wait for the exit (Redis "down"). */
  kill(): Promise<void>
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>
}

const NO_PERSISTENCE = ['--save', '', '--appendonly', 'no']

/**
 * Start redis-server (on `port`, or a free one) and wait until it accepts connections. `flags` replace the
 * default no-persistence flags (the deploy tests start it with the manifests' own).
 */
export async function startRedis(
  port?: number,
  flags: readonly string[] = NO_PERSISTENCE,
): Promise<RedisServer> {
  const binary = redisBinary()
  if (binary === undefined) throw new Error(NO_REDIS)
  const p = port ?? (await freePort())
  const child = spawn(
    binary,
    [...flags, '--port', String(p), '--bind', '127.0.0.1', '--loglevel', 'notice'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let out = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start within 10 s:\n${out}`)),
      10_000,
    )
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited (code ${code}) before it was ready:\n${out}`))
    })
  })
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill(sig)
    await exited
  }
  return {
    port: p,
    url: `redis://127.0.0.1:${p}`,
    child,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    kill: () => signal('SIGKILL'),
    stop: async () => {
      child.kill('SIGCONT')
      await signal('SIGTERM')
    },
  }
}
