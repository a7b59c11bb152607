/**
 * /health/live latency while /explain runs, over real HTTP: the built server with one worker (so the probe
 * and the explanations share one event loop), one client keeping a max-size /explain in flight back to
 * back, and a probe on a fresh connection every PROBE_MS. Prints the probe's latency idle and under the
 * explanations (median, p95, max) and the explanations' own latency. Nothing here asserts a timing.
 *
 *   npm run bench:explain-health                 # starts dist/server.js (built if stale), EXPLAIN_MAX_ROWS rows
 *   BENCH_BASE=http://127.0.0.1:8000 EXPLAIN_ROWS=10000 tsx bench/explain-health.ts   # an already running server
 *
 * Settings: EXPLAIN_ROWS (default 500, the EXPLAIN_MAX_ROWS default), BENCH_SECONDS (default 6), PROBE_MS
 * (default 25).
 */
import { request } from 'node:http'
import { ensureBuilt } from '../dev/harness/build.js'
import { type Running, startServer, waitFor200 } from '../dev/harness/server-process.js'

const ROWS = Number(process.env.EXPLAIN_ROWS ?? 500)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6)
const PROBE_MS = Number(process.env.PROBE_MS ?? 25)
const IRIS = [
  [5.1, 3.5, 1.4, 0.2],
  [6.0, 2.7, 4.2, 1.3],
  [6.2, 3.4, 5.4, 2.3],
]

/** One request on a fresh connection; resolves with the status and the milliseconds to the last byte. */
function timed(base: string, path: string, body?: string): Promise<{ status: number; ms: number }> {
  const start = performance.now()
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, base),
      {
        method: body === undefined ? 'GET' : 'POST',
        agent: false,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - start }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

function summary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b)
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(1)
  return `n=${s.length} median ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${s[s.length - 1]!.toFixed(1)} ms`
}

async function probes(base: string, untilMs: number): Promise<number[]> {
  const out: number[] = []
  while (performance.now() < untilMs) {
    const r = await timed(base, '/health/live')
    if (r.status !== 200) throw new Error(`/health/live answered ${r.status}`)
    out.push(r.ms)
    await new Promise((resolve) => setTimeout(resolve, PROBE_MS))
  }
  return out
}

let server: Running | undefined
let base = process.env.BENCH_BASE
if (base === undefined) {
  ensureBuilt()
  server = await startServer(
    { WORKERS: '1', EXPLAIN_MAX_ROWS: String(ROWS), LOG_LEVEL: 'warn' },
    { stdout: 'ignore' },
  )
  base = server.base
  await waitFor200(`${base}/health/ready`, 1, 60_000, server)
}
try {
  const body = JSON.stringify({ input: Array.from({ length: ROWS }, (_, i) => IRIS[i % 3]) })
  const warm = await timed(base, '/explain', body)
  if (warm.status !== 200) throw new Error(`/explain of ${ROWS} rows answered ${warm.status}`)
  const idle = await probes(base, performance.now() + 1500)

  const explainMs: number[] = []
  const end = performance.now() + SECONDS * 1000
  const loop = (async () => {
    while (performance.now() < end) explainMs.push((await timed(base, '/explain', body)).ms)
  })()
  const busy = await probes(base, end)
  await loop

  console.log(`server: ${server === undefined ? base : 'dist/server.js, 1 worker'}; /explain of ${ROWS} rows`)
  console.log(`/health/live idle:              ${summary(idle)}`)
  console.log(`/health/live during /explain:   ${summary(busy)}`)
  console.log(`/explain (${ROWS} rows) itself:     ${summary(explainMs)}`)
} finally {
  await server?.stop()
}
