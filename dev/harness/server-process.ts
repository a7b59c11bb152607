/**
 * Start the built server (`node dist/server.js`, what `npm start` runs) as a real process on a free port
 * of 127.0.0.1, for tests, e2e, chaos and benchmarks; collect its log lines; wait for readiness; stop it.
 * Build it first with ensureBuilt() (./build.ts).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { ROOT } from './build.js'
import { freePort } from './free-port.js'

export interface StartOptions {
  /**
   * 'lines' (default) keeps every stdout line in `lines` (and calls onLine); 'ignore' sends the log to
   * /dev/null, as benchmarks do, so reading it costs nothing.
   */
  stdout?: 'lines' | 'ignore'
  /** Called for each stdout line as it arrives, with the time it was read. */
  onLine?: (line: string, at: number) => void
  /** Keep a line in `lines` (default: all); chaos drops request lines to stay small. */
  keepLine?: (line: string) => boolean
  /** Where stderr goes: kept in `stderr` (default) or passed through to ours. */
  stderr?: 'keep' | 'inherit'
  /** A port to listen on (default: a free one). */
  port?: number
}

export interface Running {
  child: ChildProcess
  port: number
  base: string
  /** stdout lines so far (with stdout: 'lines'). */
  lines: string[]
  /** stderr chunks so far (with stderr: 'keep'). */
  stderr: string[]
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>
  /** The last ~20 KB of stdout and stderr, for failure messages. */
  output(): string
  /** SIGTERM (then SIGKILL after `killAfterMs`), resolved once the process has exited. */
  stop(killAfterMs?: number): Promise<void>
}

/** Spawn `node dist/server.js` with HOST=127.0.0.1, PORT and `env` over ours; does not wait for readiness. */
export async function startServer(
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<Running> {
  const port = options.port ?? (await freePort())
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: [
      'ignore',
      options.stdout === 'ignore' ? 'ignore' : 'pipe',
      options.stderr === 'inherit' ? 'inherit' : 'pipe',
    ],
  })
  const lines: string[] = []
  const stderr: string[] = []
  let tail = ''
  const keepTail = (text: string) => {
    tail = (tail + text).slice(-20_000)
  }
  let buf = ''
  child.stdout?.on('data', (d: Buffer) => {
    const text = d.toString()
    keepTail(text)
    buf += text
    const parts = buf.split('\n')
    buf = parts.pop() ?? ''
    const at = Date.now()
    for (const line of parts) {
      options.onLine?.(line, at)
      if (options.keepLine === undefined || options.keepLine(line)) lines.push(line)
    }
  })
  child.stderr?.on('data', (d: Buffer) => {
    stderr.push(d.toString())
    keepTail(d.toString())
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  )
  const stop = async (killAfterMs = 15_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
    await exited
    clearTimeout(timer)
  }
  return { child, port, base: `http://127.0.0.1:${port}`, lines, stderr, exited, output: () => tail, stop }
}

/**
 * Poll until `url` answers 200 `times` times in a row (across workers), or fail after timeoutMs (sooner if
 * `running` exits). Returns the milliseconds it took.
 */
export async function waitFor200(
  url: string,
  times = 1,
  timeoutMs = 30_000,
  running?: Pick<Running, 'child' | 'output'>,
): Promise<number> {
  const start = performance.now()
  let streak = 0
  while (performance.now() - start < timeoutMs) {
    if (running && running.child.exitCode !== null) {
      throw new Error(
        `server exited with code ${running.child.exitCode} before ${url} answered:\n${running.output()}`,
      )
    }
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) })
      await r.arrayBuffer()
      streak = r.status === 200 ? streak + 1 : 0
      if (streak >= times) return performance.now() - start
    } catch {
      streak = 0
    }
    await new Promise((r) => setTimeout(r, streak > 0 ? 5 : 20))
  }
  throw new Error(
    `${url} did not answer 200 within ${timeoutMs} ms${running ? `:\n${running.output()}` : ''}`,
  )
}

/** The child processes of `pid` (a primary's workers). */
export function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number)
  } catch {
    return []
  }
}

/** A parsed log line. */
export type LogLine = { message?: string; level?: string; [key: string]: unknown }

export function parsed(lines: readonly string[]): LogLine[] {
  return lines.flatMap((l) => {
    try {
      return [JSON.parse(l)]
    } catch {
      return []
    }
  })
}

/**
 * The primary's children that serve (listen), from its log lines: a child reported as 'Standby worker
 * ready' does not serve until a 'Worker replaced' line names it.
 */
export function servingPidsOf(primaryPid: number, lines: readonly string[]): number[] {
  const standby = new Set<number>()
  for (const l of parsed(lines)) {
    if (l.message === 'Standby worker ready') standby.add(l.pid as number)
    if (l.message === 'Worker replaced') standby.delete(l.pid as number)
  }
  return childPids(primaryPid).filter((p) => !standby.has(p))
}

export const servingPids = (running: Pick<Running, 'child' | 'lines'>): number[] =>
  servingPidsOf(running.child.pid as number, running.lines)

/** Wait until a log line with `message` appears at or after line `from`; returns it parsed. */
export async function waitForLog(
  running: Pick<Running, 'lines'>,
  message: string,
  from = 0,
  timeoutMs = 20_000,
): Promise<LogLine> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const line = parsed(running.lines.slice(from)).find((l) => l.message === message)
    if (line !== undefined) return line
    if (Date.now() > end) throw new Error(`no "${message}" log line within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** RSS in MB of a process (NaN once it is gone). */
export function rssMb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024
  } catch {
    return Number.NaN
  }
}
