/**
 * `npm run bench:sklearn`: our predictProba against scikit-learn's, side by side in one run, on the same
 * 100-tree Iris RandomForest (scikit-learn, random_state=42) and the same rows: one row, and 100,000 rows.
 * scikit-learn trains the forest, exports it (scripts/export_sklearn.py) and times its own predict_proba
 * (scripts/sklearn_parity_fixture.py --time); we load the export and time ours. Both single-threaded
 * (scikit-learn's default n_jobs=None). Prints medians and the speed-up; also checks the answers agree.
 * Short on purpose (well under a minute): the machine is shared.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadModel } from '../src/model/service.js'
import {
  EXPORTER,
  FIXTURE,
  float64s,
  runPythonOk,
  SKLEARN_MISSING_REASON,
  SKLEARN_VERSION,
} from '../test/sklearn/python.js'

const BATCH_ROWS = 100_000
const ONE_ROW_REPEATS = 20_000
const BATCH_REPEATS = 5

interface Timing {
  sklearn_version: string
  one_row_ms: number
  batch_rows: number
  batch_ms: number
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function timeMs(fn: () => void, repeats: number): number {
  const times: number[] = []
  for (let i = 0; i < repeats; i++) {
    const start = process.hrtime.bigint()
    fn()
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  return median(times)
}

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`)

if (SKLEARN_VERSION === null) {
  console.error(`bench:sklearn needs scikit-learn: ${SKLEARN_MISSING_REASON}`)
  process.exit(1)
}

const dir = await mkdtemp(join(tmpdir(), 'bench-sklearn-'))
try {
  console.log(
    `scikit-learn ${SKLEARN_VERSION}: training a 100-tree Iris RandomForest and timing its predict_proba...`,
  )
  await runPythonOk([
    FIXTURE,
    '--out',
    dir,
    '--only',
    'iris_rf',
    '--random-rows',
    String(BATCH_ROWS),
    '--time',
    'iris_rf',
  ])
  const timing = JSON.parse(await readFile(join(dir, 'timing.json'), 'utf8')) as Timing
  await runPythonOk([EXPORTER, join(dir, 'iris_rf.joblib'), '--out', dir, '--name', 'iris_model'])
  const model = await loadModel(join(dir, 'iris_model.json'))

  // The fixture's rows start with the random ones scikit-learn timed: use exactly those.
  const all = float64s(await readFile(join(dir, 'iris_rf.rows.f64')))
  const rows = all.subarray(0, BATCH_ROWS * model.nFeatures)
  const oneRow = rows.subarray(0, model.nFeatures)

  for (let i = 0; i < 2000; i++) model.predictProba(oneRow, 1) // warm up the JIT
  const oursOneMs = timeMs(() => model.predictProba(oneRow, 1), ONE_ROW_REPEATS)
  model.predictProba(rows, BATCH_ROWS)
  const oursBatchMs = timeMs(() => model.predictProba(rows, BATCH_ROWS), BATCH_REPEATS)

  const want = float64s(await readFile(join(dir, 'iris_rf.proba.f64'))).subarray(
    0,
    BATCH_ROWS * model.nClasses,
  )
  const got = model.predictProba(rows, BATCH_ROWS)
  let maxDiff = 0
  for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - want[i]!))

  const nodes = model.forest.trees.reduce((s, t) => s + t.nodeCount, 0)
  console.log(
    `\npredict_proba, Iris RandomForest (${model.forest.trees.length} trees, ${nodes} nodes), single thread, medians`,
  )
  console.log(
    `  ${'rows'.padEnd(10)}${'scikit-learn'.padStart(16)}${'ours'.padStart(14)}${'speed-up'.padStart(12)}`,
  )
  for (const [label, theirs, ours] of [
    ['1', timing.one_row_ms, oursOneMs],
    [BATCH_ROWS.toLocaleString('en-US'), timing.batch_ms, oursBatchMs],
  ] as const) {
    console.log(
      `  ${label.padEnd(10)}${fmt(theirs).padStart(16)}${fmt(ours).padStart(14)}${`${(theirs / ours).toFixed(0)}x`.padStart(12)}`,
    )
  }
  console.log(
    `  throughput at ${BATCH_ROWS.toLocaleString('en-US')} rows: scikit-learn ${Math.round((BATCH_ROWS / timing.batch_ms) * 1000).toLocaleString('en-US')} rows/s, ours ${Math.round((BATCH_ROWS / oursBatchMs) * 1000).toLocaleString('en-US')} rows/s`,
  )
  console.log(
    `  same answers: max |ours - scikit-learn| = ${maxDiff} over ${want.length.toLocaleString('en-US')} probabilities`,
  )
} finally {
  await rm(dir, { recursive: true, force: true })
}
