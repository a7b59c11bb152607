/**
 * The issue-14 scenario with real processes (`node dist/server.js`, 2 workers, a registry folder): under
 * continuous /predict-proba load, a canary of a candidate trained on shuffled labels is rolled back by the
 * gate within ROLLOUT_MIN_FEEDBACK + 20 feedback rows (counts summed over both workers by the primary); then a
 * good candidate is rolled out, promoted, and rolled back. No prediction fails, and every answer's
 * X-Model-Version names the version whose probabilities it carries (no answer mixes two versions).
 */
import { Agent } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allReady, send } from '../../dev/harness/http-client.js'
import { type Running, startServer } from '../../dev/harness/server-process.js'
import { loadLabelledCsv } from '../../src/data/load.js'
import { RandomForestClassifier } from '../../src/ml/index.js'
import { saveModel } from '../../src/model/artifact.js'
import { loadModel } from '../../src/model/load-model.js'
import { Registry } from '../../src/model/registry/index.js'
import type { ModelDescription } from '../../src/model/serialize.js'
import { ensureBuilt } from '../server/process.js'
import { metadataFor, smallIrisModel, tempDir } from '../support/model.js'

const NAME = 'iris_model'
const KEY = 'rollout-cluster-admin-key-0123456789'
const MIN = 50
const ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [6.0, 2.7, 4.2, 1.3],
  [6.2, 3.4, 5.4, 2.3],
  [5.9, 3.0, 5.1, 1.8],
]

let running: Running
let registry: Registry
let data: { X: number[][]; y: string[] }
/** Version -> the probabilities text /predict-proba must carry for ROWS. */
const expected = new Map<string, string>()

async function shuffledModel(): Promise<ModelDescription> {
  const { description } = await smallIrisModel(5)
  const y = [...data.y]
  let s = 777
  for (let i = y.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31
    const j = s % (i + 1)
    ;[y[i], y[j]] = [y[j]!, y[i]!]
  }
  const clf = new RandomForestClassifier({ nEstimators: 5, seed: 3 }).fit(data.X, y)
  return { ...description, classes: clf.classes, forest: clf.forest }
}

beforeAll(async () => {
  ensureBuilt()
  const csv = await loadLabelledCsv('data/iris.csv')
  data = { X: csv.X, y: csv.y }
  const root = await tempDir('iris-rollout-cluster-')
  registry = new Registry(root)
  for (const d of [
    (await smallIrisModel(10)).description,
    await shuffledModel(),
    (await smallIrisModel(12)).description,
  ]) {
    const added = await registry.addVersion(NAME, async (dir) => {
      await saveModel(dir, NAME, d, metadataFor(d))
    })
    const info = await registry.resolve(NAME, added.version)
    const m = await loadModel(info.modelPath)
    const p = m.predictProba(Float64Array.from(ROWS.flat()), ROWS.length)
    expected.set(added.version, JSON.stringify(ROWS.map((_, i) => Array.from(p.subarray(i * 3, i * 3 + 3)))))
  }
  running = await startServer({
    WORKERS: '2',
    MODELS_DIR: root,
    MODEL_PATH: '',
    ADMIN_API_KEYS: KEY,
    ROLLOUT_MIN_FEEDBACK: String(MIN),
    REGISTRY_POLL_S: '1',
    LOG_LEVEL: 'warn',
    WEB_ROOT: 'test/api/fixtures/web',
  })
  await allReady(running.base, 10, 60_000)
}, 180_000)

afterAll(async () => {
  await running?.stop()
})

/** Closed-loop /predict-proba clients; each answer checked against its X-Model-Version. */
function predictionLoad(connections: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const stats = { ok: 0, failed: [] as string[], mismatched: 0, byVersion: new Map<string, number>() }
  let on = true
  const loops = Array.from({ length: connections }, async (_, c) => {
    while (on) {
      try {
        const r = await send(running.base, '/predict-proba', {
          body: { input: ROWS },
          agent,
          headers: { 'x-client-id': `client-${c}-${stats.ok % 7}` },
        })
        if (r.status !== 200) {
          stats.failed.push(`${r.status} ${r.body.slice(0, 100)}`)
          continue
        }
        const version = String(r.headers['x-model-version'])
        stats.byVersion.set(version, (stats.byVersion.get(version) ?? 0) + 1)
        if (JSON.stringify(JSON.parse(r.body).probabilities) !== expected.get(version)) stats.mismatched++
        stats.ok++
      } catch (err) {
        stats.failed.push(String((err as NodeJS.ErrnoException).code ?? err))
      }
    }
  })
  return {
    stats,
    async stop() {
      on = false
      await Promise.all(loops)
      agent.destroy()
    },
  }
}

const adminPost = (path: string, body?: unknown) =>
  send(running.base, path, { method: 'POST', body, headers: { 'x-api-key': KEY } })
const rollout = async () => JSON.parse((await send(running.base, '/models')).body).rollout

function feedbackRows(from: number, n: number) {
  const order = Array.from({ length: 150 }, (_, i) => (i % 3) * 50 + Math.floor(i / 3))
  const idx = order.slice(from, from + n)
  return { input: idx.map((i) => data.X[i]), truth: idx.map((i) => data.y[i]) }
}

describe('rollouts across 2 workers under load', () => {
  it('rolls back a shuffled-label canary within MIN + 20 feedback rows; promote and rollback of a good one; no failed or mixed answer', async () => {
    const load = predictionLoad(8)
    try {
      await new Promise((r) => setTimeout(r, 500))
      const started = await adminPost('/admin/rollout', { candidate: '2', mode: 'canary', weight: 0.2 })
      expect(started.status, started.body).toBe(200)
      await new Promise((r) => setTimeout(r, 1000))
      let sent = 0
      let state = await rollout()
      while (state.status === 'running' && sent < MIN + 40) {
        const r = await send(running.base, '/feedback', { body: feedbackRows(sent % 150, 10) })
        expect(r.status, r.body).toBe(200)
        sent += 10
        state = await rollout()
      }
      expect(state).toMatchObject({ status: 'rolled_back', candidate: '2' })
      expect(state.reason).toMatch(/^gate: /)
      expect(sent).toBeLessThanOrEqual(MIN + 20)
      const metrics = (await send(running.base, '/metrics')).body
      expect(metrics).toMatch(/^iris_rollbacks_total\{reason="[a-z_]+"\} 1$/m)

      // A good candidate: rolled out, promoted (3 becomes stable), rolled back (1 again).
      expect(
        (await adminPost('/admin/rollout', { candidate: '3', mode: 'canary', weight: 0.5 })).status,
      ).toBe(200)
      await new Promise((r) => setTimeout(r, 1000))
      // Prediction times reach GET /models only through the primary's tally (the sums it answers with).
      const timed = (await rollout()).latency
      expect(timed['1'].samples).toBeGreaterThan(0)
      expect(timed['3'].samples).toBeGreaterThan(0)
      expect(timed['3'].p99_ms).toBeGreaterThan(0)
      expect((await adminPost('/admin/promote')).status).toBe(200)
      await new Promise((r) => setTimeout(r, 1000))
      expect((await adminPost('/admin/rollback')).status).toBe(200)
      await new Promise((r) => setTimeout(r, 1000))
    } finally {
      await load.stop()
    }
    const { stats } = load
    expect(stats.failed).toEqual([])
    expect(stats.mismatched).toBe(0)
    expect(stats.ok).toBeGreaterThan(100)
    expect(stats.byVersion.get('2') ?? 0).toBeGreaterThan(0)
    expect(stats.byVersion.get('3') ?? 0).toBeGreaterThan(0)
    const versionsNow = new Set<string>()
    for (let i = 0; i < 10; i++)
      versionsNow.add(
        String((await send(running.base, '/predict', { body: { input: ROWS } })).headers['x-model-version']),
      )
    expect(versionsNow).toEqual(new Set(['1']))
  }, 120_000)
})
