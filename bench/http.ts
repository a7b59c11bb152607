/**
 * `npm run bench:http`: our production entry (`node dist/server.js`, 2 workers, default LOG_LEVEL, logs to
 * /dev/null) against a bare node:http cluster (same worker count; parses the JSON body, answers a fixed JSON),
 * in alternating short runs at 32 connections (wrk -t2 when on PATH, else autocannon). Prints req/s, p50/p99
 * and our/bare ratios for one-row /predict, one-row /predict-proba and 100-row /predict; then the time from
 * launch to the first 200 on /health (1 worker and 2) and the RSS of each worker after load. A scenario's
 * ratios are the medians of its rounds' own ratios (each round runs bare, then ours, back to back).
 * Env: BENCH_SECONDS (default 5), BENCH_ROUNDS (default 5), BENCH_WORKERS (default 2).
 */
import { type ChildProcess, execFileSync, spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { startBareServer } from '../dev/harness/bare-server.js'
import { ensureBuilt } from '../dev/harness/build.js'
import { freePort } from '../dev/harness/free-port.js'
import { childPids, type Running, startServer, waitFor200 } from '../dev/harness/server-process.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2)
/** Only the scenarios whose name contains one of these comma-separated texts (default: all). */
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').filter((s) => s !== '')
const CONNECTIONS = 32

interface Result {
  rps: number
  p50: number
  p99: number
  errors: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Our production entry through the server harness, its log to /dev/null. */
function launchOurs(workers: number, env: Record<string, string> = {}): Promise<Running> {
  return startServer({ WORKERS: String(workers), ...env }, { stdout: 'ignore', stderr: 'inherit' })
}

function launchBare(port: number, workers: number): ChildProcess {
  return startBareServer(port, workers, ['ignore', 'ignore', 'inherit'])
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await Promise.race([exited, sleep(15_000)])
}

function toMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(v.trim())
  if (!m) return Number.NaN
  const n = Number(m[1])
  return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n
}

const hasWrk = spawnSync('wrk', ['--version']).error === undefined

async function load(
  url: string,
  body: string,
  seconds: number,
  headers: Record<string, string> = {},
): Promise<Result> {
  if (hasWrk) {
    const script = join(tmpdir(), `iris-bench-${Buffer.byteLength(body)}-${Object.keys(headers).length}.lua`)
    const extra = Object.entries(headers)
      .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}\n`)
      .join('')
    writeFileSync(
      script,
      `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n${extra}wrk.body = ${JSON.stringify(body)}\n`,
    )
    const out = execFileSync(
      'wrk',
      ['-t2', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-s', script, url],
      { encoding: 'utf8' },
    )
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1])
    const p50 = toMs(/^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? '')
    const p99 = toMs(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? '')
    const errors =
      Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0) +
      Number(/Socket errors:.*?timeout (\d+)/.exec(out)?.[1] ?? 0)
    return { rps, p50, p99, errors }
  }
  const r = await autocannon({
    url,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    connections: CONNECTIONS,
    duration: seconds,
  })
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.non2xx + r.errors }
}

const SETOSA = [5.1, 3.5, 1.4, 0.2]
const ROWS_100 = Array.from({ length: 100 }, (_, i) => [
  4 + (i % 40) / 10,
  2 + (i % 25) / 10,
  1 + (i % 60) / 10,
  0.1 + (i % 25) / 10,
])
const BENCH_KEY = 'bench-key-0123456789abcdef'
interface Scenario {
  name: string
  path: string
  body: string
  /** Settings of our server for this scenario (another instance is started); default: none. */
  env?: Record<string, string>
  headers?: Record<string, string>
}
const SCENARIOS: Scenario[] = [
  { name: 'one-row /predict', path: '/predict', body: JSON.stringify({ input: [SETOSA] }) },
  { name: 'one-row /predict-proba', path: '/predict-proba', body: JSON.stringify({ input: [SETOSA] }) },
  { name: '100-row /predict', path: '/predict', body: JSON.stringify({ input: ROWS_100 }) },
  // Access control on: an API key checked and a rate limit counted (for the whole instance) per request.
  {
    name: '1-row key+limit',
    path: '/predict',
    body: JSON.stringify({ input: [SETOSA] }),
    env: { API_KEYS: BENCH_KEY, RATE_LIMIT_MAX: '100000000' },
    headers: { 'x-api-key': BENCH_KEY },
  },
]

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}
const fmt = (n: number, d = 0) => n.toFixed(d).padStart(9)

/** RSS (MB) and CPU time (clock ticks) of a process. */
function usage(pid: number): { rss: number; cpu: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return {
    rss: Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024,
    cpu: Number(stat[11]) + Number(stat[12]),
  }
}

/** Serving workers' RSS; the warm standby (the child that did no work: least CPU time) apart. */
function rssAfterLoad(pid: number): string {
  const kids = childPids(pid).map((p) => usage(p))
  const standby = kids.length > WORKERS ? kids.reduce((a, b) => (b.cpu < a.cpu ? b : a)) : undefined
  const serving = kids.filter((k) => k !== standby).map((k) => `${k.rss.toFixed(1)} MB`)
  return `${serving.join(', ')}${standby ? ` (idle warm standby: ${standby.rss.toFixed(1)} MB)` : ''}`
}

async function main(): Promise<void> {
  ensureBuilt()
  console.log(
    `bench:http  ${WORKERS} workers, ${CONNECTIONS} connections, ${ROUNDS} x ${SECONDS} s alternating runs, load generator: ${hasWrk ? 'wrk -t2' : 'autocannon'}`,
  )
  const ours = await launchOurs(WORKERS)
  const oursPort = ours.port
  const barePort = await freePort()
  const bare = launchBare(barePort, WORKERS)
  try {
    await waitFor200(`${ours.base}/health/ready`, 1, 30_000, ours)
    // Every worker serving, then the warm standby forked and loaded: none of that may overlap a timed run.
    const end = Date.now() + 30_000
    while (WORKERS > 1 && childPids(ours.child.pid as number).length <= WORKERS && Date.now() < end)
      await sleep(50)
    await sleep(2000)
    await waitFor200(`http://127.0.0.1:${barePort}/`)
    const rows: string[] = []
    for (const s of SCENARIOS.filter((x) => ONLY.length === 0 || ONLY.some((t) => x.name.includes(t)))) {
      const o: Result[] = []
      const b: Result[] = []
      // A scenario with its own settings gets its own instance of our server, started and stopped here.
      const own = s.env === undefined ? undefined : await launchOurs(WORKERS, s.env)
      if (own !== undefined) {
        await waitFor200(`${own.base}/health/ready`, 1, 60_000, own)
        await sleep(3000) // its warm standby forked and loaded before the timed runs
      }
      const port = own?.port ?? oursPort
      try {
        await load(`http://127.0.0.1:${port}${s.path}`, s.body, 2, s.headers) // warm-up (JIT)
        // The same request to both servers: the bare one gets the scenario's headers too (it ignores them).
        await load(`http://127.0.0.1:${barePort}${s.path}`, s.body, 2, s.headers)
        for (let r = 0; r < ROUNDS; r++) {
          b.push(await load(`http://127.0.0.1:${barePort}${s.path}`, s.body, SECONDS, s.headers))
          o.push(await load(`http://127.0.0.1:${port}${s.path}`, s.body, SECONDS, s.headers))
        }
      } finally {
        await own?.stop()
      }
      const or = median(o.map((x) => x.rps))
      const br = median(b.map((x) => x.rps))
      const op99 = median(o.map((x) => x.p99))
      const bp99 = median(b.map((x) => x.p99))
      // The ratios are the medians of each round's own ratio: a round's two runs are seconds apart, so a
      // change in the machine's speed over the run (often 20-30 %) cancels out within each pair.
      const rpsRatio = median(o.map((x, r) => x.rps / (b[r]?.rps ?? Number.NaN)))
      const p99Ratio = median(o.map((x, r) => x.p99 / (b[r]?.p99 ?? Number.NaN)))
      const errs = o.reduce((a, x) => a + x.errors, 0)
      rows.push(
        `${s.name.padEnd(24)}${fmt(or)}${fmt(median(o.map((x) => x.p50)), 2)}${fmt(op99, 2)}${fmt(br)}${fmt(median(b.map((x) => x.p50)), 2)}${fmt(bp99, 2)}${fmt(rpsRatio, 2)}${fmt(p99Ratio, 2)}${fmt(errs)}`,
      )
      for (let r = 0; r < ROUNDS; r++) {
        rows.push(
          `${`  round ${r + 1}`.padEnd(24)}${fmt(o[r]?.rps ?? 0)}${fmt(o[r]?.p50 ?? 0, 2)}${fmt(o[r]?.p99 ?? 0, 2)}${fmt(b[r]?.rps ?? 0)}${fmt(b[r]?.p50 ?? 0, 2)}${fmt(b[r]?.p99 ?? 0, 2)}${fmt((o[r]?.rps ?? 0) / (b[r]?.rps ?? 1), 2)}${fmt((o[r]?.p99 ?? 0) / (b[r]?.p99 ?? 1), 2)}`,
        )
      }
    }
    console.log(
      `\n${'scenario (median)'.padEnd(24)}${'ours r/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'bare r/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'r/s x'.padStart(9)}${'p99 x'.padStart(9)}${'non-2xx'.padStart(9)}`,
    )
    for (const r of rows) console.log(r)
    console.log(`\nRSS per serving worker after load: ${rssAfterLoad(ours.child.pid as number)}`)
  } finally {
    await ours.stop()
    await stop(bare)
  }

  for (const workers of [1, 2]) {
    const times: number[] = []
    for (let i = 0; i < 3; i++) {
      const child = await launchOurs(workers)
      times.push(await waitFor200(`${child.base}/health`, 1, 30_000, child))
      await child.stop()
    }
    console.log(
      `start-up to first 200 on /health, WORKERS=${workers}: ${times.map((t) => `${t.toFixed(0)} ms`).join(', ')} (median ${median(times).toFixed(0)} ms)`,
    )
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
