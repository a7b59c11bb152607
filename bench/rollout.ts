/**
 * `npx tsx bench/rollout.ts`: what a running rollout adds to one-row /predict. One production server
 * (`node dist/server.js`, BENCH_WORKERS workers, default 2) over a temporary registry holding the committed model
 * as versions 1 and 2; rounds alternate three states set through the admin API: no rollout, a canary at 20 %
 * (clients sending X-Client-ID through Fastify, and anonymous through the fast lane), and shadow mode.
 * Prints req/s and p99 per state and round, and each state's median req/s as a ratio to no rollout.
 * Each state is warmed up for BENCH_WARM_SECONDS (default 2) before it is timed: a state change loads the
 * candidate afresh, and a rollout's cost is its steady state. The workers' counts reach the primary every
 * 250 ms throughout.
 * Env: BENCH_SECONDS (default 5), BENCH_ROUNDS (default 3), BENCH_WORKERS (default 2), BENCH_WARM_SECONDS.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureBuilt, ROOT } from '../dev/harness/build.js'
import { allReady, send } from '../dev/harness/http-client.js'
import { startServer } from '../dev/harness/server-process.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2)
const WARM_SECONDS = Number(process.env.BENCH_WARM_SECONDS ?? 2)
const KEY = 'bench-rollout-admin-key-0123456789'
const BODY = JSON.stringify({ input: [[5.1, 3.5, 1.4, 0.2]] })

interface Result {
  rps: number
  p99: number
  non2xx: number
}

function wrk(url: string, seconds: number, headers: Record<string, string> = {}): Result {
  const script = join(tmpdir(), 'iris-bench-rollout.lua')
  const extra = Object.entries(headers)
    .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}\n`)
    .join('')
  writeFileSync(
    script,
    `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n${extra}wrk.body = ${JSON.stringify(BODY)}\n`,
  )
  const out = execFileSync('wrk', ['-t2', '-c32', `-d${seconds}s`, '--latency', '-s', script, url], {
    encoding: 'utf8',
  })
  const ms = (v: string) => {
    const m = /^([\d.]+)(us|ms|s)$/.exec(v.trim())
    return m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : Number.NaN
  }
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    p99: ms(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? ''),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

async function main(): Promise<void> {
  ensureBuilt()
  const root = mkdtempSync(join(tmpdir(), 'iris-bench-rollout-'))
  cpSync(join(ROOT, 'models/iris_model'), join(root, 'iris_model'), { recursive: true })
  cpSync(join(root, 'iris_model/1'), join(root, 'iris_model/2'), { recursive: true })
  const server = await startServer(
    { WORKERS: String(WORKERS), MODELS_DIR: root, MODEL_PATH: '', ADMIN_API_KEYS: KEY, REGISTRY_POLL_S: '0' },
    { stdout: 'ignore', stderr: 'inherit' },
  )
  const admin = async (path: string, body?: unknown) => {
    const r = await send(server.base, path, { method: 'POST', body, headers: { 'x-api-key': KEY } })
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.body}`)
  }
  const states = {
    none: async () => {},
    'canary 20%': () => admin('/admin/rollout', { candidate: '2', mode: 'canary', weight: 0.2 }),
    shadow: () => admin('/admin/rollout', { candidate: '2', mode: 'shadow' }),
  } as const
  try {
    await allReady(server.base, 10, 60_000)
    await new Promise((r) => setTimeout(r, 2000))
    const url = `${server.base}/predict`
    wrk(url, 2) // warm-up
    const results = new Map<string, Result[]>()
    console.log(
      `bench:rollout  ${WORKERS} workers, 32 connections, ${ROUNDS} x ${SECONDS} s per state, wrk -t2`,
    )
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, enter] of Object.entries(states)) {
        await enter()
        await new Promise((res) => setTimeout(res, 300))
        // Steady state, as a rollout runs for hours: every state change loads the candidate afresh in each
        // worker (its compiled predictor starts cold in V8), so each state is warmed up before it is timed.
        wrk(url, WARM_SECONDS)
        const res = wrk(url, SECONDS)
        const list = results.get(name) ?? []
        list.push(res)
        results.set(name, list)
        console.log(
          `  round ${r + 1} ${name.padEnd(11)} ${res.rps.toFixed(0).padStart(7)} req/s  p99 ${res.p99.toFixed(2)} ms  non-2xx ${res.non2xx}`,
        )
        if (name !== 'none') await admin('/admin/rollback')
      }
    }
    const base = median((results.get('none') ?? []).map((x) => x.rps))
    for (const [name, list] of results) {
      const rps = median(list.map((x) => x.rps))
      console.log(
        `${name.padEnd(11)} median ${rps.toFixed(0).padStart(7)} req/s  p99 ${median(list.map((x) => x.p99)).toFixed(2)} ms  vs none x${(rps / base).toFixed(3)} (${((1 - rps / base) * 100).toFixed(1)} % slower)`,
      )
    }
  } finally {
    await server.stop()
    rmSync(root, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
