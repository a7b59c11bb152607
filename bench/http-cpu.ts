import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'
import { startBareServer } from '../dev/harness/bare-server.js'
import { ensureBuilt } from '../dev/harness/build.js'
import { freePort } from '../dev/harness/free-port.js'
import { childPids, startServer, waitFor200 } from '../dev/harness/server-process.js'

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const WORKERS = String(process.env.BENCH_WORKERS ?? 2)
const KEY = 'bench-key-0123456789abcdef'
const BODY = JSON.stringify({ input: [[5.1, 3.5, 1.4, 0.2]] })
const TICK_US = 1_000_000 / 100 // USER_HZ

/** CPU ticks (user + system) of a process and its children. */
function ticks(pid: number): number {
  return [pid, ...childPids(pid)].reduce((sum, p) => {
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return sum + Number(stat[11]) + Number(stat[12])
  }, 0)
}

async function cpuPerRequest(pid: number, url: string, headers: Record<string, string>): Promise<number> {
  const run = (amount: number) =>
    autocannon({
      url,
      method: 'POST',
      body: BODY,
      headers: { 'content-type': 'application/json', ...headers },
      connections: 16,
      amount, // autocannon's option; its type declarations omit it
    } as Parameters<typeof autocannon>[0])
  await run(Math.ceil(REQUESTS / 4)) // warm-up (JIT)
  const rounds: number[] = []
  for (let r = 0; r < ROUNDS; r++) {
    const before = ticks(pid)
    const res = await run(REQUESTS)
    if (res.non2xx + res.errors > 0) throw new Error(`${url}: ${res.non2xx} non-2xx, ${res.errors} errors`)
    rounds.push(((ticks(pid) - before) * TICK_US) / REQUESTS)
  }
  return rounds.sort((a, b) => a - b)[Math.floor(rounds.length / 2)] as number
}

async function bare(): Promise<number> {
  const port = await freePort()
  const child = startBareServer(port, Number(WORKERS))
  try {
    await waitFor200(`http://127.0.0.1:${port}/`, 1, 60_000)
    return await cpuPerRequest(child.pid as number, `http://127.0.0.1:${port}/predict`, {})
  } finally {
    child.kill('SIGTERM')
  }
}

async function ours(env: Record<string, string>, headers: Record<string, string>): Promise<number> {
  const server = await startServer({ WORKERS, STANDBY_WORKERS: '0', ...env }, { stdout: 'ignore' })
  try {
    await waitFor200(`${server.base}/health/ready`, 4, 60_000, server)
    return await cpuPerRequest(server.child.pid as number, `${server.base}/predict`, headers)
  } finally {
    await server.stop()
  }
}

ensureBuilt()
const auth = { API_KEYS: KEY, RATE_LIMIT_MAX: '100000000' }
const withKey = { 'x-api-key': KEY }
const b = await bare()
const rows: [string, number][] = [
  ['bare node:http', b],
  ['ours, nothing configured', await ours({}, {})],
  ['ours, API key only (fast lane)', await ours({ API_KEYS: KEY }, withKey)],
  ['ours, rate limit only (fast lane)', await ours({ RATE_LIMIT_MAX: '100000000' }, {})],
  ['ours, key + limit (fast lane)', await ours(auth, withKey)],
  ['ours, key + limit, HTTP_FAST_LANE=false', await ours({ ...auth, HTTP_FAST_LANE: 'false' }, withKey)],
]
console.log(`CPU per one-row POST /predict (${WORKERS} workers, median of ${ROUNDS} x ${REQUESTS} requests)`)
for (const [name, us] of rows)
  console.log(`  ${name.padEnd(42)}${us.toFixed(1).padStart(8)} us   bare/ours ${(b / us).toFixed(2)}`)
