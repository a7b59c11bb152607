/**
 * `npm run bench:model`: measured numbers of our engine on Iris (the targets in brackets).
 * Timings are wall-clock medians; for the 100k batch the process CPU time is printed too, since
 * the machine is shared (2 cores) and wall time then includes waiting for the CPU.
 */
import { loadavg } from 'node:os'
import { pick, X, y } from '../dev/iris-data.js'
import {
  accuracy,
  compileForest,
  Random,
  RandomForestClassifier,
  stratifiedKFold,
  stratifiedTrainTestSplit,
} from '../src/ml/index.js'
import { referencePredictProba } from '../src/ml/reference.js'

const median = (a: number[]) => {
  const s = [...a].sort((p, q) => p - q)
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
const cpuMs = (start: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(start)
  return (d.user + d.system) / 1000
}

// Random rows uniform over each feature's observed range.
function randomRows(n: number, seed: number): Float64Array {
  const rng = new Random(seed)
  const lo = [0, 1, 2, 3].map((f) => Math.min(...X.map((r) => r[f]!)))
  const hi = [0, 1, 2, 3].map((f) => Math.max(...X.map((r) => r[f]!)))
  const rows = new Float64Array(n * 4)
  for (let i = 0; i < rows.length; i++) rows[i] = lo[i % 4]! + rng.nextFloat() * (hi[i % 4]! - lo[i % 4]!)
  return rows
}

// `--folds-json`: print our folds and accuracies as JSON for scripts/sklearn_cv_compare.py.
if (process.argv.includes('--folds-json')) {
  const split = stratifiedTrainTestSplit(y, { testSize: 0.2, seed: 42 })
  const score = (tr: number[], te: number[]) =>
    accuracy(
      pick(y, te),
      new RandomForestClassifier({ seed: 42 }).fit(pick(X, tr), pick(y, tr)).predict(pick(X, te)),
    )
  const cv = stratifiedKFold(y, { k: 5, shuffle: true, seed: 0 })
  console.log(
    JSON.stringify({
      holdout: { ...split, ours: score(split.train, split.test) },
      cv: cv.map((fold) => ({ ...fold, ours: score(fold.train, fold.test) })),
    }),
  )
  process.exit(0)
}

// Fit: 100 trees on all 150 rows (first runs warm the JIT).
const fitTimes: number[] = []
const fitCpu: number[] = []
let rf = new RandomForestClassifier()
for (let i = 0; i < 13; i++) {
  const t = performance.now()
  const c = process.cpuUsage()
  rf = new RandomForestClassifier({ seed: 42 }).fit(X, y)
  if (i >= 3) fitCpu.push(cpuMs(c))
  if (i >= 3) fitTimes.push(performance.now() - t)
}
const nodes = rf.forest.trees.reduce((a, t) => a + t.nodeCount, 0)

// One row through the compiled predictor (the server's hot path), and through the
// classifier's array API (validation + copy + arrays out).
const predictor = compileForest(rf.forest)
const probe = randomRows(1000, 1)
const views = Array.from({ length: 1000 }, (_, i) => probe.subarray(i * 4, i * 4 + 4))
const out = new Float64Array(3)
// Batches of 1000 calls: per-call µs = batch ms (x1000 µs / 1000 calls).
const perCall: number[] = []
const perCallCpu: number[] = []
for (let b = 0; b < 250; b++) {
  const t = performance.now()
  const c = process.cpuUsage()
  for (let i = 0; i < 1000; i++) predictor.predictProba(views[i]!, 1, out)
  if (b >= 50) perCallCpu.push(cpuMs(c))
  if (b >= 50) perCall.push(performance.now() - t)
}
const probeRows = Array.from({ length: 1000 }, (_, i) => Array.from(views[i]!))
const perCallApi: number[] = []
for (let b = 0; b < 150; b++) {
  const t = performance.now()
  for (let i = 0; i < 1000; i++) rf.predictProba([probeRows[i]!])
  if (b >= 50) perCallApi.push(performance.now() - t)
}

// 100,000 random rows.
const N = 100_000
const big = randomRows(N, 2)
const bigOut = new Float64Array(N * 3)
const wall: number[] = []
const cpu: number[] = []
for (let i = 0; i < 7; i++) {
  const t = performance.now()
  const c = process.cpuUsage()
  predictor.predictProba(big, N, bigOut)
  cpu.push(cpuMs(c))
  wall.push(performance.now() - t)
}
let t0 = performance.now()
const want = referencePredictProba(rf.forest, big, N)
const referenceMs = performance.now() - t0
const exact = want.every((v, i) => v === bigOut[i])

// Accuracy.
const { train, test } = stratifiedTrainTestSplit(y, { testSize: 0.2, seed: 42 })
t0 = performance.now()
const holdout = accuracy(
  pick(y, test),
  new RandomForestClassifier({ seed: 42 }).fit(pick(X, train), pick(y, train)).predict(pick(X, test)),
)
const folds = stratifiedKFold(y, { k: 5, shuffle: true, seed: 0 }).map(({ train: tr, test: te }) =>
  accuracy(
    pick(y, te),
    new RandomForestClassifier({ seed: 42 }).fit(pick(X, tr), pick(y, tr)).predict(pick(X, te)),
  ),
)
const mean = folds.reduce((a, b) => a + b, 0) / folds.length
const std = Math.sqrt(folds.reduce((a, b) => a + (b - mean) ** 2, 0) / folds.length)

const f = (v: number, d = 2) => v.toFixed(d)
console.log(`iris-prediction-service engine benchmark (node ${process.version}, 100 trees, ${nodes} nodes)`)
console.log(
  `load average ${loadavg()
    .map((l) => f(l))
    .join(' ')} (wall times include waiting for a shared CPU)`,
)
console.log(
  `predictProba 1 row, compiled predictor   median ${f(median(perCall), 3)} µs wall, ${f(median(perCallCpu), 3)} µs CPU   [<= 5 µs]`,
)
console.log(`predictProba 1 row, classifier (arrays)  median ${f(median(perCallApi), 3)} µs`)
console.log(
  `predictProba 100,000 rows                median ${f(median(wall), 1)} ms wall, ${f(median(cpu), 1)} ms CPU   [<= 320 ms]`,
)
console.log(
  `  plain node-by-node walk (reference)    ${f(referenceMs, 1)} ms once; fast == reference: ${exact}`,
)
console.log(
  `fit 100 trees on 150 rows                median ${f(median(fitTimes), 1)} ms wall, ${f(median(fitCpu), 1)} ms CPU   [<= 100 ms]`,
)
console.log(`hold-out accuracy (test 0.2, seed 42)    ${f(holdout, 3)}   [>= 0.90]`)
console.log(
  `5-fold stratified CV (shuffle, seed 0)   ${f(mean, 3)} ± ${f(std, 3)}  folds ${folds.map((a) => f(a, 3)).join(' ')}   [>= 0.93]`,
)
if (!exact) process.exitCode = 1
