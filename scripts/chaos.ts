/**
 * `npm run chaos [-- --duration 60 --phase 10 --only saturation,sigterm,kill9,kill9_cold,reload]`: load and faults
 * against the production entry (`node dist/server.js`, 2 workers, 127.0.0.1 only), issue 7:
 *  - saturation: `--duration` s of one-row /predict at 32 connections (autocannon); zero errors and worker
 *    RSS growth <= 10 % (highest RSS in the last third of the run against the first third; the reading
 *    after warm-up against the end is printed too);
 *  - sigterm: SIGTERM to the primary under load; every request already in flight answers 200; exit 0
 *    within SHUTDOWN_GRACE_S;
 *  - kill9: SIGKILL of one serving worker under load; the time until another serves in its place (the warm
 *    standby, src/server/pool.ts), and how many requests failed; kill9-cold: the same with
 *    STANDBY_WORKERS=0 (a fresh process must start), for comparison only;
 *  - reload: POST /admin/reload to a compatible model under load; no failed request, no mixed answer.
 * Prints one line per scenario and a JSON summary; exits 1 if a pass criterion fails.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { Agent } from 'node:http'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { loadModel } from '../src/model/load-model.js'
import { allReady, send } from '../test/reliability/http-client.js'
import { makeModelFiles } from '../test/reliability/model-files.js'
import { childPids, parsed, servingPidsOf } from '../test/server/process.js'
import { freePort } from '../test/support/net.js'

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    phase: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    only: { type: 'string', default: 'saturation,sigterm,kill9,kill9_cold,reload' },
  },
})
const DURATION_S = Number(values.duration)
const PHASE_S = Number(values.phase)
const CONNECTIONS = Number(values.connections)
const ONLY = new Set(String(values.only).split(','))
const GRACE_S = 10
const ROW = JSON.stringify({ input: [[5.1, 3.5, 1.4, 0.2]] })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Server {
  child: ChildProcess
  base: string
  /** Log lines whose message matters here (request lines are skipped). */
  events: { at: number; line: string }[]
  exited: Promise<{ code: number | null; at: number }>
}

async function start(env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort()
  const child = spawn(process.execPath, ['dist/server.js'], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      WORKERS: '2',
      SHUTDOWN_GRACE_S: String(GRACE_S),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const events: Server['events'] = []
  let buf = ''
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString()
    const parts = buf.split('\n')
    buf = parts.pop() ?? ''
    for (const line of parts) if (!line.includes('"Request completed"')) events.push({ at: Date.now(), line })
  })
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on('exit', (code) => resolve({ code, at: Date.now() })),
  )
  const base = `http://127.0.0.1:${port}`
  await allReady(base, 10, 60_000)
  return { child, base, events, exited }
}

async function stop(s: Server): Promise<void> {
  if (s.child.exitCode === null) s.child.kill('SIGTERM')
  await s.exited
}

const workerPids = (s: Server): number[] => childPids(s.child.pid as number)
const servingPids = (s: Server): number[] =>
  servingPidsOf(
    s.child.pid as number,
    s.events.map((e) => e.line),
  )

/** The first event with `message` at or after index `from`, waiting up to 20 s. */
async function nextEvent(s: Server, message: string, from: number) {
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

function rssMb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024
  } catch {
    return Number.NaN
  }
}

/** Closed-loop clients on keep-alive connections: each result is tagged with when the request started. */
function loadLoop(
  base: string,
  path: string,
  body: string,
  connections: number,
  headers: Record<string, string> = {},
) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const results: { startedAt: number; status: number; body: string; error?: string }[] = []
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

const summary: Record<string, unknown> = {}
const failures: string[] = []
const check = (ok: boolean, what: string) => {
  if (!ok) failures.push(what)
}

async function saturation(): Promise<void> {
  const s = await start({ LOG_LEVEL: 'info' })
  try {
    // Warm-up (JIT, buffers, metric children), then the baseline RSS.
    await autocannon({
      url: `${s.base}/predict`,
      method: 'POST',
      body: ROW,
      headers: { 'content-type': 'application/json' },
      connections: CONNECTIONS,
      duration: 3,
    })
    const pids = servingPids(s)
    const before = pids.map(rssMb)
    const samples: number[][] = []
    const sampler = setInterval(() => samples.push(pids.map(rssMb)), 2000)
    const r = (await autocannon({
      url: `${s.base}/predict`,
      method: 'POST',
      body: ROW,
      headers: { 'content-type': 'application/json' },
      connections: CONNECTIONS,
      duration: DURATION_S,
    })) as Awaited<ReturnType<typeof autocannon>> & { timeouts: number; requests: { total: number } }
    clearInterval(sampler)
    const after = pids.map(rssMb)
    // RSS moves in a sawtooth with V8's old-generation collections, so one reading after a short warm-up
    // can sit at a trough and the last at a crest. Growth = the highest RSS in the last third of the run
    // against the highest in the first third, per worker: a leak raises the crests, a sawtooth does not.
    const third = Math.max(1, Math.floor(samples.length / 3))
    const crest = (rows: number[][], w: number) => Math.max(...rows.map((r) => r[w] as number))
    const growth =
      Math.max(
        ...pids.map((_, w) => crest(samples.slice(-third), w) / crest(samples.slice(0, third), w) - 1),
      ) * 100
    const endVsWarm = Math.max(...after.map((a, i) => (a - before[i]!) / before[i]!)) * 100
    const errors = r.errors + r.non2xx + r.timeouts
    const peak = Math.max(...samples.flat(), ...after)
    summary.saturation = {
      seconds: DURATION_S,
      connections: CONNECTIONS,
      requests: r.requests.total,
      rps: Math.round(r.requests.average),
      p50_ms: r.latency.p50,
      p99_ms: r.latency.p99,
      errors,
      rss_mb_before: before.map((x) => +x.toFixed(1)),
      rss_mb_after: after.map((x) => +x.toFixed(1)),
      rss_mb_peak: +peak.toFixed(1),
      rss_growth_pct: +growth.toFixed(1),
      rss_end_vs_warm_up_pct: +endVsWarm.toFixed(1),
    }
    console.log(
      `saturation: ${DURATION_S} s, ${r.requests.total} requests, ${Math.round(r.requests.average)} req/s, p99 ${r.latency.p99} ms, ` +
        `errors ${errors}, worker RSS ${before.map((x) => x.toFixed(1)).join('/')} -> ${after.map((x) => x.toFixed(1)).join('/')} MB ` +
        `(end vs warm-up ${endVsWarm.toFixed(1)} %; crests last third vs first third ${growth.toFixed(1)} %; peak ${peak.toFixed(1)} MB)`,
    )
    check(errors === 0, 'saturation: errors')
    check(growth <= 10, 'saturation: RSS crests grew > 10 %')
  } finally {
    await stop(s)
  }
}

async function sigterm(): Promise<void> {
  const s = await start({ LOG_LEVEL: 'warn' })
  const load = loadLoop(s.base, '/predict', ROW, CONNECTIONS)
  await sleep((PHASE_S * 1000) / 2)
  const sentAt = Date.now()
  s.child.kill('SIGTERM')
  const { code, at } = await s.exited
  await load.stop()
  const inFlight = load.results.filter((r) => r.startedAt < sentAt)
  const failed = inFlight.filter((r) => r.status !== 200)
  const after = load.results.filter((r) => r.startedAt >= sentAt)
  summary.sigterm = {
    requests_before_sigterm: inFlight.length,
    failed_before_sigterm: failed.length,
    failure_kinds: [...new Set(failed.map((f) => f.error ?? `${f.status} ${f.body.slice(0, 120)}`))],
    failed_started_ms_before_sigterm: failed.map((f) => sentAt - f.startedAt),
    requests_after_sigterm: after.length,
    answered_after_sigterm: after.filter((r) => r.status === 200).length,
    exit_code: code,
    exit_ms: at - sentAt,
  }
  console.log(
    `sigterm: ${inFlight.length} requests started before SIGTERM, ${failed.length} failed; exit ${code} after ${at - sentAt} ms ` +
      `(grace ${GRACE_S} s); after SIGTERM ${after.length} attempts (new connections refused)`,
  )
  check(failed.length === 0, 'sigterm: failed in-flight requests')
  check(code === 0 && at - sentAt <= GRACE_S * 1000, 'sigterm: exit code or time')
}

async function kill9(standby = true): Promise<void> {
  const name = standby ? 'kill9' : 'kill9_cold'
  const s = await start({ LOG_LEVEL: 'info', STANDBY_WORKERS: standby ? '1' : '0' })
  try {
    if (standby) await nextEvent(s, 'Standby worker ready', 0)
    const load = loadLoop(s.base, '/predict', ROW, CONNECTIONS)
    await sleep((PHASE_S * 1000) / 2)
    const victim = servingPids(s)[0]!
    const mark = s.events.length
    const killedAt = Date.now()
    process.kill(victim, 'SIGKILL')
    // The primary logs "Worker replaced" when a worker listens in the dead one's place (replaced_in_ms is
    // its own clock, from the exit event); we also time it from the kill, as seen through the log pipe.
    const replaced = await nextEvent(s, 'Worker replaced', mark)
    const replacedMs = replaced ? replaced.at - killedAt : Number.NaN
    const nextStandby = standby ? await nextEvent(s, 'Standby worker ready', mark) : undefined
    await sleep((PHASE_S * 1000) / 2)
    await load.stop()
    const failed = load.results.filter((r) => r.status !== 200)
    const workersAfter = workerPids(s).length
    summary[name] = {
      requests: load.results.length,
      failed: failed.length,
      failure_kinds: [...new Set(failed.map((f) => f.error ?? f.status))],
      replaced_ms: replacedMs,
      replaced_ms_primary: replaced?.line.replaced_in_ms,
      new_standby_ready_ms: nextStandby ? nextStandby.at - killedAt : null,
      workers_after: workersAfter,
    }
    console.log(
      `${name}: ${load.results.length} requests, ${failed.length} failed (${[...new Set(failed.map((f) => f.error ?? f.status))].join(', ') || 'none'}); ` +
        `a worker serving in its place ${replacedMs} ms after the kill (primary: ${replaced?.line.replaced_in_ms} ms)` +
        (nextStandby ? `; new standby ready after ${nextStandby.at - killedAt} ms` : '') +
        `; ${workersAfter} workers`,
    )
    if (standby) check(replacedMs < 1000, 'kill9: replacement slower than 1 s')
    check(workersAfter === (standby ? 3 : 2), `${name}: worker count`)
  } finally {
    await stop(s)
  }
}

async function reload(): Promise<void> {
  const files = await makeModelFiles()
  const key = 'chaos-admin-key'
  const s = await start({ LOG_LEVEL: 'warn', MODEL_PATH: files.serving, ADMIN_API_KEYS: key })
  try {
    const rows = Array.from({ length: 40 }, (_, i) => [
      4 + (i % 5) * 0.9,
      2 + (i % 3) * 0.7,
      1 + (i % 6) * 1.1,
      0.1 + (i % 4) * 0.7,
    ])
    const text = async (path: string) => {
      const m = await loadModel(path)
      const p = m.predictProba(Float64Array.from(rows.flat()), rows.length)
      return JSON.stringify(rows.map((_, i) => Array.from(p.subarray(i * 3, i * 3 + 3))))
    }
    const [oldText, newText] = [await text(files.serving), await text(files.good)]
    const load = loadLoop(s.base, '/predict-proba', JSON.stringify({ input: rows }), CONNECTIONS)
    await sleep((PHASE_S * 1000) / 2)
    const t0 = performance.now()
    const res = await send(s.base, '/admin/reload', {
      body: { path: 'iris_model_v2.json' },
      headers: { 'x-api-key': key },
    })
    const reloadMs = performance.now() - t0
    await sleep((PHASE_S * 1000) / 2)
    await load.stop()
    const probs = load.results.map((r) =>
      r.status === 200 ? JSON.stringify(JSON.parse(r.body).probabilities) : null,
    )
    const failed = probs.filter((p) => p === null).length
    const old = probs.filter((p) => p === oldText).length
    const fresh = probs.filter((p) => p === newText).length
    const mixed = probs.length - failed - old - fresh
    summary.reload = {
      status: res.status,
      reload_ms: Math.round(reloadMs),
      requests: probs.length,
      failed,
      old_model: old,
      new_model: fresh,
      mixed,
      response: JSON.parse(res.body),
    }
    console.log(
      `reload: ${res.status} in ${reloadMs.toFixed(0)} ms (${res.body}); ${probs.length} requests, ${failed} failed, ` +
        `${old} old-model answers, ${fresh} new-model answers, ${mixed} mixed`,
    )
    check(res.status === 200 && failed === 0 && mixed === 0 && fresh > 0, 'reload under load')
  } finally {
    await stop(s)
  }
}

const load = spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.trim()
console.log(`chaos: node ${process.version}, load average ${load}, ${CONNECTIONS} connections`)
summary.load_average_at_start = load
for (const [name, fn] of [
  ['saturation', saturation],
  ['sigterm', sigterm],
  ['kill9', () => kill9(true)],
  ['kill9_cold', () => kill9(false)],
  ['reload', reload],
] as const) {
  if (ONLY.has(name)) await fn()
}
console.log(JSON.stringify(summary, null, 2))
if (failures.length > 0) {
  console.error(`chaos: FAILED: ${failures.join('; ')}`)
  process.exit(1)
}
console.log('chaos: OK')
