/**
 * Real-process helpers: build dist/ if stale, pick a free port, start `node dist/server.js` with an
 * environment, collect its stdout lines, wait for readiness, stop it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from '../support/net.js'

function newest(path: string): number {
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  return Math.max(0, ...readdirSync(path).map((e) => newest(join(path, e))))
}

/** Compile src/ to dist/ (tsc, then the server bundle) when dist/server.js is missing or older than src/. */
export function ensureBuilt(): void {
  if (existsSync('dist/server.js') && statSync('dist/server.js').mtimeMs >= newest('src')) return
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  })
  // The production entry is the bundle behind a launcher (docs/decisions/013-fast-start.md).
  execFileSync(process.execPath, ['scripts/build-server.mjs'], { stdio: 'inherit' })
}

export interface Running {
  child: ChildProcess
  port: number
  base: string
  lines: string[]
  stderr: string[]
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export async function startServer(env: Record<string, string>): Promise<Running> {
  const port = await freePort()
  const child = spawn(process.execPath, ['dist/server.js'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), WEB_ROOT: 'test/api/fixtures/web', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const stderr: string[] = []
  let buf = ''
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString()
    const parts = buf.split('\n')
    buf = parts.pop() ?? ''
    lines.push(...parts)
  })
  child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  return { child, port, base: `http://127.0.0.1:${port}`, lines, stderr, exited }
}

/** Poll until `url` answers 200 `times` times in a row (across workers), or fail after timeoutMs. */
export async function waitFor200(url: string, times = 1, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs
  let streak = 0
  while (Date.now() < end) {
    try {
      const r = await fetch(url)
      await r.arrayBuffer()
      streak = r.status === 200 ? streak + 1 : 0
      if (streak >= times) return
    } catch {
      streak = 0
    }
    await new Promise((r) => setTimeout(r, streak > 0 ? 5 : 50))
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`)
}

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

/**
 * The primary's children that serve (listen), from its log lines: a child reported as 'Standby worker
 * ready' does not serve until a 'Worker replaced' line names it.
 */
export function servingPidsOf(primaryPid: number, lines: string[]): number[] {
  const standby = new Set<number>()
  for (const l of parsed(lines)) {
    if (l.message === 'Standby worker ready') standby.add(l.pid as number)
    if (l.message === 'Worker replaced') standby.delete(l.pid as number)
  }
  return childPids(primaryPid).filter((p) => !standby.has(p))
}

export const servingPids = (running: Running): number[] =>
  servingPidsOf(running.child.pid as number, running.lines)

/** A parsed log line. */
export type LogLine = { message?: string; level?: string; [key: string]: unknown }

export function parsed(lines: string[]): LogLine[] {
  return lines.flatMap((l) => {
    try {
      return [JSON.parse(l)]
    } catch {
      return []
    }
  })
}

/** Wait until a log line with `message` appears at or after line `from`; returns it parsed. */
export async function waitForLog(
  running: Running,
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
