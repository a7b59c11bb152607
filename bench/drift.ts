/**
 * Drift's cost on the request path: ApiMetrics.observePrediction (what every prediction route calls) with
 * and without its drift window, per predicted row, for one-row and 100-row requests; and the cost of one
 * evaluation (K-S, PSI, chi-squared for every feature) of a full window, which runs off the request path.
 *
 *   npx tsx bench/drift.ts [--rounds 7]
 */
import { mergeWindows } from '../src/api/drift/merge.js'
import { driftReport } from '../src/api/drift/report.js'
import { DriftWindow } from '../src/api/drift/window.js'
import { ApiMetrics } from '../src/api/metrics/index.js'
import { Random } from '../src/ml/random.js'
import { loadModel } from '../src/model/load-model.js'

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 7
const model = await loadModel('models/iris_model/1/iris_model.json')
const rng = new Random(1)
/** CPU time of this process (user + system), in ns: less disturbed than wall time on a shared machine. */
const cpuNs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) * 1000
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

function rowsOf(n: number): { rows: Float64Array; idx: Int32Array } {
  const rows = Float64Array.from({ length: n * 4 }, () => 1 + rng.nextFloat() * 6)
  return { rows, idx: model.predictIndices(rows, n) }
}

/** ns per row of observePrediction, with the series' drift window recording or replaced by a no-op. */
function perRow(nRows: number, withDrift: boolean): number {
  const metrics = new ApiMetrics({ defaultMetrics: false, driftWindowRows: 500 })
  let series = metrics.seriesFor(model)
  if (!withDrift) series = { ...series, drift: { record() {} } as unknown as DriftWindow }
  const child = metrics.rows.child('/predict')
  const { rows, idx } = rowsOf(nRows)
  const calls = Math.max(20_000, Math.floor(4_000_000 / nRows))
  for (let i = 0; i < calls; i++) metrics.observePrediction(series, child, rows, nRows, idx) // warm-up
  const t0 = cpuNs()
  for (let i = 0; i < calls; i++) metrics.observePrediction(series, child, rows, nRows, idx)
  return (cpuNs() - t0) / calls / nRows
}

/** ns per row of DriftWindow.record alone. */
function recordOnly(nRows: number): number {
  const w = new DriftWindow(500, 4)
  const { rows, idx } = rowsOf(nRows)
  const calls = Math.max(20_000, Math.floor(10_000_000 / nRows))
  for (let i = 0; i < calls; i++) w.record(rows, nRows, idx)
  const t0 = cpuNs()
  for (let i = 0; i < calls; i++) w.record(rows, nRows, idx)
  return (cpuNs() - t0) / calls / nRows
}

function evaluation(): number {
  const w = new DriftWindow(500, 4)
  const { rows, idx } = rowsOf(500)
  w.record(rows, 500, idx)
  const snap = [w.snapshot(model.version, model.featureNames, model.classes)]
  const t0 = process.hrtime.bigint()
  const n = 50
  for (let i = 0; i < n; i++) driftReport(mergeWindows(snap, model.version, 500)!, model.reference!, 100)
  return Number(process.hrtime.bigint() - t0) / n / 1e6
}

for (const nRows of [1, 100]) {
  const on: number[] = []
  const off: number[] = []
  const rec: number[] = []
  for (let r = 0; r < rounds; r++) {
    off.push(perRow(nRows, false))
    on.push(perRow(nRows, true))
    rec.push(recordOnly(nRows))
  }
  console.log(
    `${nRows}-row requests: observePrediction ${median(off).toFixed(1)} ns/row without drift, ${median(on).toFixed(1)} ns/row with ` +
      `(+${(median(on) - median(off)).toFixed(1)} ns/row); DriftWindow.record alone ${median(rec).toFixed(1)} ns/row ` +
      `(rounds: ${rec.map((x) => x.toFixed(0)).join(' ')})`,
  )
}
const evals = Array.from({ length: rounds }, evaluation)
console.log(
  `one evaluation of a 500-row window, 4 features (off the request path): ${median(evals).toFixed(2)} ms`,
)
