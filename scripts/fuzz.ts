/**
 * `npm run fuzz [-- --runs 10000 --seed N]`: the long run of the HTTP property tests (issue 7). Same
 * generators and judge as test/reliability/fuzz.test.ts, every POST route, in-process via app.inject.
 * Prints the tally by kind and status and exits 1 on the first fault (with fast-check's shrunk example).
 */
import { parseArgs } from 'node:util'
import fc from 'fast-check'
import { fuzzRequest } from '../dev/fuzz/cases.js'
import { postRoutes, prototypeSnapshot, runCase } from '../dev/fuzz/judge.js'
import { buildApp } from '../src/api/app.js'
import { createLogger } from '../src/api/logging.js'
import { loadConfig } from '../src/config.js'
import { loadModel } from '../src/model/load-model.js'
import { ModelSlot } from '../src/model/model-slot.js'

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string' } },
})
const runs = Number(values.runs)
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed)

// The committed default model (stable version of the registry), logs discarded: the run judges answers.
const config = loadConfig({ LOG_LEVEL: 'silent', WEB_ROOT: 'test/api/fixtures/web' })
const model = await loadModel('models/iris_model/1/iris_model.json')
const t = { app: await buildApp(config, new ModelSlot(model), { logger: createLogger('silent') }) }
await t.app.ready()
const routes = postRoutes(t.app, model)
const before = prototypeSnapshot()
const tally = new Map<string, number>()
const byStatus = new Map<number, number>()
const started = performance.now()

const result = await fc.check(
  fc.asyncProperty(fuzzRequest(routes), async (req) => {
    const v = await runCase(t.app, req, model)
    tally.set(req.kind, (tally.get(req.kind) ?? 0) + 1)
    byStatus.set(v.status, (byStatus.get(v.status) ?? 0) + 1)
    if (v.fault !== null) throw new Error(`${req.kind}: ${v.fault}`)
  }),
  { numRuns: runs, seed },
)
const seconds = (performance.now() - started) / 1000
const polluted = prototypeSnapshot() !== before || ({} as Record<string, unknown>).polluted !== undefined
const alive = await t.app.inject({
  method: 'POST',
  url: '/predict',
  payload: { input: [[5.1, 3.5, 1.4, 0.2]] },
})
await t.app.close()

const sorted = <K>(m: Map<K, number>) => [...m].sort((a, b) => String(a[0]).localeCompare(String(b[0])))
console.log(
  `fuzz: ${result.numRuns} cases, seed ${seed}, ${seconds.toFixed(1)} s, routes: ${routes.join(' ')}`,
)
console.log(
  `  by kind:   ${sorted(tally)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')}`,
)
console.log(
  `  by status: ${sorted(byStatus)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')}`,
)
console.log(
  `  5xx: ${[...byStatus].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0)}, prototype polluted: ${polluted}, still serving: ${alive.statusCode === 200}`,
)
if (result.failed || polluted || alive.statusCode !== 200) {
  if (result.failed) console.error(fc.defaultReportMessage(result))
  process.exit(1)
}
console.log('fuzz: OK')
