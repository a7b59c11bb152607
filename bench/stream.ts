/**
 * `npm run bench:stream`: a 1,000,000-row CSV through `POST /predict-proba` of the built server over loopback,
 * end to end (upload, parse, predict, format, download), against scikit-learn's `predict_proba` alone on
 * the same rows already in memory (single thread), side by side in one run. Same forest: scikit-learn
 * trains the 100-tree Iris RandomForest, times its predict_proba on the rows, and exports the forest for
 * our server (as bench:sklearn). Also samples the server process's RSS every 20 ms during each stream
 * (the bound: growth <= 40 MB) and checks every answered probability against scikit-learn's.
 * Env: STREAM_ROWS (default 1,000,000), STREAM_ROUNDS (default 3).
 */

import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureBuilt } from '../dev/harness/build.js'
import { childPids, rssMb, startServer, waitFor200 } from '../dev/harness/server-process.js'
import {
  EXPORTER,
  FIXTURE,
  float64s,
  runPythonOk,
  SKLEARN_MISSING_REASON,
  SKLEARN_VERSION,
} from '../dev/harness/sklearn-python.js'

const ROWS = Number(process.env.STREAM_ROWS ?? 1_000_000)
const ROUNDS = Number(process.env.STREAM_ROUNDS ?? 3)

interface Timing {
  batch_rows: number
  batch_ms: number
  batch_cpu_ms: number
}

interface StreamRun {
  ms: number
  /** CPU milliseconds the server processes used during the stream. */
  serverCpuMs: number
  lines: number
  body: Buffer[]
  rssBefore: number
  rssPeak: number
}

/** CSV text of the rows in ~1 MB pieces (String(x) of a double reads back as the same double). */
function csvPieces(features: string[], rows: Float64Array, nRows: number): Buffer[] {
  const pieces: Buffer[] = []
  let s = `${features.join(',')}\n`
  for (let r = 0; r < nRows; r++) {
    const o = r * 4
    s += `${rows[o]},${rows[o + 1]},${rows[o + 2]},${rows[o + 3]}\n`
    if (s.length > 1 << 20) {
      pieces.push(Buffer.from(s))
      s = ''
    }
  }
  pieces.push(Buffer.from(s))
  return pieces
}

/** utime + stime of a process in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return 0
  }
}

/** Every pid of the server: the launched process and its descendants. */
function serverPids(root: number): number[] {
  const all = [root]
  for (let i = 0; i < all.length; i++) all.push(...childPids(all[i]!))
  return all
}

function streamOnce(port: number, pieces: Buffer[], pids: number[]): Promise<StreamRun> {
  const rss = () => Math.max(...pids.map(rssMb).filter((v) => !Number.isNaN(v)))
  const cpu = () => pids.reduce((a, p) => a + cpuMs(p), 0)
  const cpuBefore = cpu()
  const rssBefore = rss()
  let rssPeak = rssBefore
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rss())
  }, 20)
  const start = performance.now()
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/predict-proba',
        method: 'POST',
        agent: false, // a fresh connection per stream: never one the server is closing after keep-alive
        headers: { 'content-type': 'text/csv' },
      },
      (res) => {
        const body: Buffer[] = []
        let lines = 0
        if (res.statusCode !== 200)
          res.once('data', (d: Buffer) => console.error(`status ${res.statusCode}: ${d}`))
        res.on('data', (d: Buffer) => {
          body.push(d)
          for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) lines++
        })
        res.on('end', () => {
          const ms = performance.now() - start
          clearInterval(sampler)
          rssPeak = Math.max(rssPeak, rss())
          if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}: ${Buffer.concat(body)}`))
          else resolve({ ms, serverCpuMs: cpu() - cpuBefore, lines, body, rssBefore, rssPeak })
        })
      },
    )
    req.on('error', reject)
    let i = 0
    const write = () => {
      while (i < pieces.length) if (!req.write(pieces[i++]!)) return void req.once('drain', write)
      req.end()
    }
    write()
  })
}

/** Largest |ours - theirs| over every probability of the answer (and the row count). */
function compare(body: Buffer[], want: Float64Array, nRows: number): { rows: number; maxDiff: number } {
  const lines = Buffer.concat(body).toString('utf8').split('\n')
  let rows = 0
  let maxDiff = 0
  for (let l = 1; l < lines.length; l++) {
    const line = lines[l]!
    if (line === '') continue
    if (line.startsWith('#error')) throw new Error(`the stream ended with ${line}`)
    const cells = line.split(',')
    for (let c = 0; c < 3; c++) {
      const got = Number(cells[cells.length - 3 + c])
      maxDiff = Math.max(maxDiff, Math.abs(got - want[rows * 3 + c]!))
    }
    rows++
  }
  if (rows !== nRows) throw new Error(`${rows} rows answered, ${nRows} sent`)
  return { rows, maxDiff }
}

if (SKLEARN_VERSION === null) {
  console.error(`bench:stream needs scikit-learn: ${SKLEARN_MISSING_REASON}`)
  process.exit(1)
}

const dir = await mkdtemp(join(tmpdir(), 'bench-stream-'))
try {
  ensureBuilt()
  const rowsArg = String(ROWS)
  console.log(
    `scikit-learn ${SKLEARN_VERSION}: training the Iris forest, timing predict_proba on ${rowsArg} rows...`,
  )
  await runPythonOk(
    [FIXTURE, '--out', dir, '--only', 'iris_rf', '--random-rows', rowsArg, '--time', 'iris_rf'],
    600_000,
  )
  const timing = JSON.parse(await readFile(join(dir, 'timing.json'), 'utf8')) as Timing
  await runPythonOk([EXPORTER, join(dir, 'iris_rf.joblib'), '--out', dir, '--name', 'iris_model'])
  const rows = float64s(await readFile(join(dir, 'iris_rf.rows.f64'))).subarray(0, ROWS * 4)
  const want = float64s(await readFile(join(dir, 'iris_rf.proba.f64'))).subarray(0, ROWS * 3)

  const server = await startServer(
    {
      MODEL_PATH: join(dir, 'iris_model.json'),
      WORKERS: '1',
      STANDBY_WORKERS: '0',
      REQUEST_TIMEOUT_S: '600',
    },
    { stdout: 'ignore' },
  )
  try {
    await waitFor200(`${server.base}/health/ready`, 1, 60_000, server)
    const pids = serverPids(server.child.pid!)
    // The header names the exported model's features (GET /model), so columns are matched by name.
    const { feature_names: features } = (await (await fetch(`${server.base}/model`)).json()) as {
      feature_names: string[]
    }
    const pieces = csvPieces(features, rows, ROWS)
    const mb = pieces.reduce((a, p) => a + p.length, 0) / 2 ** 20
    // Warm-up: the JIT, the Wasm tier-up and the socket buffers, on a tenth of the rows.
    await streamOnce(server.port, csvPieces(features, rows, Math.ceil(ROWS / 10)), pids)
    console.log(
      `\n${ROWS.toLocaleString('en-US')} rows (${mb.toFixed(1)} MB of CSV) through POST /predict-proba, loopback, 1 worker; ` +
        `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
    )
    console.log(
      `scikit-learn predict_proba alone, rows in memory, single thread: ${timing.batch_ms.toFixed(0)} ms wall (median of 5), ${timing.batch_cpu_ms.toFixed(0)} ms CPU`,
    )
    for (let round = 1; round <= ROUNDS; round++) {
      const run = await streamOnce(server.port, pieces, pids)
      const { maxDiff } = compare(run.body, want, ROWS)
      console.log(
        `  round ${round}: end to end ${run.ms.toFixed(0)} ms = ${(run.ms / timing.batch_ms).toFixed(2)}x scikit-learn's predict_proba [< 1]; ` +
          `${Math.round((ROWS / run.ms) * 1000).toLocaleString('en-US')} rows/s; server CPU ${run.serverCpuMs.toFixed(0)} ms = ${(run.serverCpuMs / timing.batch_cpu_ms).toFixed(2)}x scikit-learn's CPU; ` +
          `RSS ${run.rssBefore.toFixed(0)} -> peak ${run.rssPeak.toFixed(0)} MB (+${(run.rssPeak - run.rssBefore).toFixed(1)} MB) [<= +40]; ` +
          `${run.lines - 1} rows, max |ours - scikit-learn| = ${maxDiff}`,
      )
    }
  } finally {
    await server.stop()
  }
} finally {
  await rm(dir, { recursive: true, force: true })
}
