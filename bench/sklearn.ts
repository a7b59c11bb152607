/**
 * `npm run bench:sklearn`: our predictProba against scikit-learn's, side by side in one run, on the same
 * 100-tree Iris RandomForest (scikit-learn, random_state=42) and the same rows: one row, and 100,000 rows.
 * scikit-learn trains the forest, exports it (scripts/export_sklearn.py) and times its own predict_proba
 * (scripts/sklearn_parity_fixture.py --time); we load the export and time ours. Both single-threaded
 * (scikit-learn's default n_jobs=None). Prints wall (median) and CPU (mean) times and the speed-ups, and checks the
 * answers agree. Short on purpose (well under a minute): the machine is shared.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  EXPORTER,
  FIXTURE,
  float64s,
  runPythonOk,
  SKLEARN_MISSING_REASON,
  SKLEARN_VERSION,
} from '../dev/harness/sklearn-python.js'
import { loadModel } from '../src/model/load-model.js'

const BATCH_ROWS = 100_000
const ONE_ROW_REPEATS = 20_000
const BATCH_REPEATS = 5

interface Timing {
  sklearn_version: string
  one_row_ms: number
  one_row_cpu_ms: number
  batch_rows: number
  batch_ms: number
  batch_cpu_ms: number
}

/** Median wall milliseconds and mean CPU milliseconds per run. */
interface Times {
  wall: number
  cpu: number
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

// Wall time: the median of single runs. CPU time (this process) stays meaningful on a busy machine, where
// wall time includes waiting for a core; it is the total over all runs divided by their number, because
// one getrusage() reading is too coarse (and too costly) for a call of a few microseconds.
function time(fn: () => void, repeats: number): Times {
  const wall: number[] = []
  const startCpu = process.cpuUsage()
  for (let i = 0; i < repeats; i++) {
    const start = process.hrtime.bigint()
    fn()
    wall.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  const used = process.cpuUsage(startCpu)
  return { wall: median(wall), cpu: (used.user + used.system) / 1000 / repeats }
}

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`)
const fmtRatio = (r: number) => `${r.toFixed(r < 10 ? 1 : 0)}x`

if (SKLEARN_VERSION === null) {
  console.error(`bench:sklearn needs scikit-learn: ${SKLEARN_MISSING_REASON}`)
  process.exit(1)
}

const dir = await mkdtemp(join(tmpdir(), 'bench-sklearn-'))
try {
  console.log(
    `scikit-learn ${SKLEARN_VERSION}: training a 100-tree Iris RandomForest and timing its predict_proba...`,
  )
  const fixtureArgs = [
    '--out',
    dir,
    '--only',
    'iris_rf',
    '--random-rows',
    String(BATCH_ROWS),
    '--time',
    'iris_rf',
  ]
  await runPythonOk([FIXTURE, ...fixtureArgs])
  const timing = JSON.parse(await readFile(join(dir, 'timing.json'), 'utf8')) as Timing
  await runPythonOk([EXPORTER, join(dir, 'iris_rf.joblib'), '--out', dir, '--name', 'iris_model'])
  const model = await loadModel(join(dir, 'iris_model.json'))

  // The fixture's rows start with the random ones scikit-learn timed: use exactly those.
  const all = float64s(await readFile(join(dir, 'iris_rf.rows.f64')))
  const rows = all.subarray(0, BATCH_ROWS * model.nFeatures)
  const oneRow = rows.subarray(0, model.nFeatures)

  for (let i = 0; i < 2000; i++) model.predictProba(oneRow, 1) // warm up the JIT
  const oursOne = time(() => model.predictProba(oneRow, 1), ONE_ROW_REPEATS)
  model.predictProba(rows, BATCH_ROWS)
  const oursBatch = time(() => model.predictProba(rows, BATCH_ROWS), BATCH_REPEATS)

  const want = float64s(await readFile(join(dir, 'iris_rf.proba.f64'))).subarray(
    0,
    BATCH_ROWS * model.nClasses,
  )
  const got = model.predictProba(rows, BATCH_ROWS)
  let maxDiff = 0
  for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - want[i]!))

  const nodes = model.forest.trees.reduce((s, t) => s + t.nodeCount, 0)
  console.log(
    `\npredict_proba, Iris RandomForest (${model.forest.trees.length} trees, ${nodes} nodes), single thread; wall: median, CPU: mean per call` +
      ` (load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores)`,
  )
  console.log(
    `  ${'rows'.padEnd(16)}${['scikit-learn', 'ours', 'speed-up'].map((h) => h.padStart(14)).join('')}`,
  )
  const line = (label: string, theirs: number, ours: number) =>
    console.log(
      `  ${label.padEnd(16)}${[fmt(theirs), fmt(ours), fmtRatio(theirs / ours)].map((c) => c.padStart(14)).join('')}`,
    )
  const batch = BATCH_ROWS.toLocaleString('en-US')
  line('1, wall', timing.one_row_ms, oursOne.wall)
  line('1, CPU', timing.one_row_cpu_ms, oursOne.cpu)
  line(`${batch}, wall`, timing.batch_ms, oursBatch.wall)
  line(`${batch}, CPU`, timing.batch_cpu_ms, oursBatch.cpu)
  const rate = (ms: number) => Math.round((BATCH_ROWS / ms) * 1000).toLocaleString('en-US')
  console.log(
    `  rows/s at ${batch} rows (CPU time): scikit-learn ${rate(timing.batch_cpu_ms)}, ours ${rate(oursBatch.cpu)}`,
  )
  const { kind, buildMs, fallbacks } = model.predictor
  console.log(
    `  predictor chosen at load: ${kind} (built in ${buildMs.toFixed(1)} ms${fallbacks.length ? `; passed over: ${fallbacks.join('; ')}` : ''})`,
  )
  console.log(
    `  ours / scikit-learn at ${batch} rows: ${(oursBatch.wall / timing.batch_ms).toFixed(3)}x wall, ${(oursBatch.cpu / timing.batch_cpu_ms).toFixed(3)}x CPU [<= 0.15x]`,
  )
  console.log(
    `  same answers: max |ours - scikit-learn| = ${maxDiff} over ${want.length.toLocaleString('en-US')} probabilities`,
  )
} finally {
  await rm(dir, { recursive: true, force: true })
}
