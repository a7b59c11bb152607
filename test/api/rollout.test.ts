/**
 * Rollouts through the app, on a real registry folder: POST /admin/rollout, /admin/promote, /admin/rollback
 * with their 404/409 rules; canary traffic (X-Model-Version names who answered, sticky per X-Client-ID);
 * POST /feedback (validation as /predict, 422 for an unknown truth or a length mismatch, every loaded version
 * scored); the gate rolling back a candidate trained on shuffled labels within ROLLOUT_MIN_FEEDBACK + 20
 * rows, with its reason, a warn line and iris_rollbacks_total; shadow agreement; promote then rollback.
 */
import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type App, buildApp } from '../../src/api/app.js'
import { createLogger } from '../../src/api/logging.js'
import { loadConfig } from '../../src/config.js'
import { loadLabelledCsv } from '../../src/data/load.js'
import { RandomForestClassifier } from '../../src/ml/index.js'
import { saveModel } from '../../src/model/artifact.js'
import { ModelSlot } from '../../src/model/model-slot.js'
import { Registry, RegistryApplier, ServedVersions, servingRegistry } from '../../src/model/registry/index.js'
import type { ModelDescription } from '../../src/model/serialize.js'
import { metadataFor, smallIrisModel, tempDir } from '../support/model.js'
import { injectServer, SETOSA } from './helper.js'

const NAME = 'iris_model'
const KEY = 'rollout-admin-key-0123456789'
const MIN = 40
const admin = { 'x-api-key': KEY, 'content-type': 'application/json' }

let root: string
let registry: Registry
let app: App
const logs: Record<string, unknown>[] = []
let data: { X: number[][]; y: string[] }

const add = (d: ModelDescription) =>
  registry.addVersion(NAME, async (dir) => {
    await saveModel(dir, NAME, d, metadataFor(d))
  })

/** A forest fitted on Iris with the labels shuffled (a seeded permutation): about chance accuracy. */
async function shuffledModel(): Promise<ModelDescription> {
  const { description } = await smallIrisModel(5)
  const y = [...data.y]
  let s = 12345
  for (let i = y.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31
    const j = s % (i + 1)
    ;[y[i], y[j]] = [y[j]!, y[i]!]
  }
  const clf = new RandomForestClassifier({ nEstimators: 5, seed: 3 }).fit(data.X, y)
  return { ...description, classes: clf.classes, forest: clf.forest }
}

beforeAll(async () => {
  const csv = await loadLabelledCsv('data/iris.csv')
  data = { X: csv.X, y: csv.y }
  root = await tempDir('iris-rollout-api-')
  registry = new Registry(root)
  await add((await smallIrisModel(10)).description) // 1: stable
  await add(await shuffledModel()) // 2: the bad candidate
  await add((await smallIrisModel(12)).description) // 3: a good candidate
  const renamed = (await smallIrisModel(4)).description
  await add({ ...renamed, featureNames: renamed.featureNames.map((f) => `${f}_mm`) }) // 4: other features
  const config = loadConfig({
    LOG_LEVEL: 'info',
    MODELS_DIR: root,
    ADMIN_API_KEYS: KEY,
    ROLLOUT_MIN_FEEDBACK: String(MIN),
  })
  const models = new ModelSlot()
  const versions = new ServedVersions()
  const target = servingRegistry(config)!
  const applier = new RegistryApplier(target.registry, NAME, versions, models, { warn: () => {} })
  await applier.readAndApply()
  const reload = async () => {
    const o = await applier.readAndApply()
    return { version: o.version, previousVersion: o.previousVersion, file: '', workers: 1 }
  }
  const logger = createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line)) })
  app = await buildApp(config, models, { logger, versions, registry: target, reload })
  await app.ready()
})
afterAll(async () => {
  await app?.close()
  await rm(root, { recursive: true, force: true })
})

const post = (url: string, body: unknown, headers: Record<string, string> = admin) =>
  app.inject({ method: 'POST', url, headers, payload: body === undefined ? undefined : JSON.stringify(body) })
const predict = (clientId?: string) =>
  app.inject({
    method: 'POST',
    url: '/predict',
    headers: { 'content-type': 'application/json', ...(clientId ? { 'x-client-id': clientId } : {}) },
    payload: JSON.stringify({ input: [SETOSA] }),
  })
const rolloutState = async () => (await app.inject({ url: '/models' })).json().rollout

/** Iris rows in a fixed interleaved order (all classes early), with their true labels. */
function feedbackRows(from: number, n: number) {
  const order = Array.from({ length: 150 }, (_, i) => (i % 3) * 50 + Math.floor(i / 3))
  const idx = order.slice(from, from + n)
  return { input: idx.map((i) => data.X[i]), truth: idx.map((i) => data.y[i]) }
}

describe('POST /admin/rollout', () => {
  it('needs the admin key, and refuses an unknown version (404), stable itself, other features (409)', async () => {
    expect((await post('/admin/rollout', { candidate: '2', mode: 'canary' }, {})).statusCode).toBe(401)
    const unknown = await post('/admin/rollout', { candidate: '9', mode: 'canary', weight: 0.2 })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json().error).toMatch(/9/)
    expect((await post('/admin/rollout', { candidate: 'nope', mode: 'canary' })).statusCode).toBe(404)
    expect((await post('/admin/rollout', { candidate: '1', mode: 'canary' })).statusCode).toBe(409)
    const other = await post('/admin/rollout', { candidate: '4', mode: 'canary' })
    expect(other.statusCode).toBe(409)
    expect(other.json().error).toMatch(/features/)
    expect((await post('/admin/rollout', { candidate: '2', mode: 'blue-green' })).statusCode).toBe(400)
    expect((await post('/admin/rollout', { candidate: '2', mode: 'canary', weight: 2 })).statusCode).toBe(400)
  })

  it('starts a canary: X-Model-Version names who answered, a client is sticky, a second rollout is a 409', async () => {
    const res = await post('/admin/rollout', { candidate: '2', mode: 'canary', weight: 0.5 })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      status: 'running',
      stable: '1',
      candidate: '2',
      mode: 'canary',
      weight: 0.5,
    })
    expect((await post('/admin/rollout', { candidate: '3', mode: 'canary' })).statusCode).toBe(409)
    const seen = new Set<string>()
    for (let c = 0; c < 40; c++) {
      const first = (await predict(`client-${c}`)).headers['x-model-version']
      seen.add(String(first))
      for (let k = 0; k < 3; k++)
        expect((await predict(`client-${c}`)).headers['x-model-version']).toBe(first)
    }
    expect(seen).toEqual(new Set(['1', '2']))
    // The fast lane (the server's listener, ahead of Fastify) routes each client to the same version.
    for (let c = 0; c < 20; c++) {
      const viaRoute = (await predict(`client-${c}`)).headers['x-model-version']
      const viaLane = await injectServer(app, {
        method: 'POST',
        url: '/predict',
        payload: JSON.stringify({ input: [SETOSA] }),
        headers: { 'content-type': 'application/json', 'x-client-id': `client-${c}` },
      })
      expect(viaLane.statusCode).toBe(200)
      expect(viaLane.headers['x-model-version'], `client-${c}`).toBe(viaRoute)
    }
    const line = logs.filter((l) => l.message === 'Request completed').at(-1) as {
      request_metrics: { model_version: string }
    }
    expect(['1', '2']).toContain(line.request_metrics.model_version)
  })
})

describe('POST /feedback', () => {
  it('validates the input as /predict does and the truth with 422s', async () => {
    const h = { 'content-type': 'application/json' }
    expect((await post('/feedback', { input: [[1, 2, 'x', 4]], truth: ['setosa'] }, h)).statusCode).toBe(415)
    expect((await post('/feedback', { input: [[1, 2]], truth: ['setosa'] }, h)).statusCode).toBe(422)
    const unknown = await post('/feedback', { input: [SETOSA], truth: ['rose'] }, h)
    expect(unknown.statusCode).toBe(422)
    expect(unknown.json().error).toMatch(/truth\[0\] "rose" is not a class/)
    const mismatch = await post('/feedback', { input: [SETOSA, SETOSA], truth: ['setosa'] }, h)
    expect(mismatch.statusCode).toBe(422)
    expect(mismatch.json().error).toMatch(/1 labels but input has 2 rows/)
    expect((await post('/feedback', { input: [SETOSA] }, h)).statusCode).toBe(422)
    expect((await post('/feedback', { input: [SETOSA], truth: 'setosa' }, h)).statusCode).toBe(400)
  })

  it('the gate rolls back the shuffled-label candidate within ROLLOUT_MIN_FEEDBACK + 20 rows', async () => {
    const h = { 'content-type': 'application/json' }
    let sent = 0
    while ((await rolloutState()).status === 'running' && sent < MIN + 20) {
      const res = await post('/feedback', feedbackRows(sent, 10), h)
      expect(res.statusCode).toBe(200)
      expect(Object.keys(res.json().versions).sort()).toEqual(['1', '2'])
      sent += 10
    }
    const state = await rolloutState()
    expect(state).toMatchObject({ status: 'rolled_back', stable: '1', candidate: '2', weight: 0 })
    expect(state.reason).toMatch(/^gate: significantly_worse: candidate 2 worse than stable 1/)
    expect(sent).toBeLessThanOrEqual(MIN + 20)
    expect(sent).toBeGreaterThanOrEqual(MIN)
    const warn = logs.find((l) => l.message === 'Rollout rolled back by the gate')
    expect(warn).toMatchObject({ level: 'WARN', reason: 'significantly_worse', candidate: '2' })
    const metrics = (await app.inject({ url: '/metrics' })).body
    expect(metrics).toMatch(/^iris_rollbacks_total\{reason="significantly_worse"\} 1$/m)
    expect(metrics).toMatch(/^iris_feedback_rows_total\{version="2"\} \d+$/m)
    for (let c = 0; c < 20; c++) expect((await predict(`client-${c}`)).headers['x-model-version']).toBe('1')
  })
})

describe('shadow mode, promote and rollback', () => {
  it('shadow: stable answers everything, the candidate scores off the path, agreement is counted', async () => {
    const res = await post('/admin/rollout', { candidate: '3', mode: 'shadow' })
    expect(res.statusCode).toBe(200)
    for (let i = 0; i < 10; i++) expect((await predict(`c${i}`)).headers['x-model-version']).toBe('1')
    await new Promise((r) => setTimeout(r, 400))
    await post('/feedback', feedbackRows(0, 10), { 'content-type': 'application/json' })
    const state = await rolloutState()
    expect(state).toMatchObject({ status: 'running', mode: 'shadow', candidate: '3' })
    expect(state.shadow.rows).toBeGreaterThanOrEqual(10)
    expect(state.shadow.agreement).toBeGreaterThan(0.5)
    // Stable's answers and the candidate's off-path scoring of the same requests are both timed.
    expect(state.latency['1'].samples).toBeGreaterThanOrEqual(10)
    expect(state.latency['3'].samples).toBe(state.latency['1'].samples)
    expect(state.latency['3'].p99_ms).toBeGreaterThan(0)
    expect(state.online['3'].rows).toBe(10)
    expect(state.online['1'].ci95[0]).toBeLessThanOrEqual(state.online['1'].accuracy)
    expect(state.paired.rows).toBe(10)
    expect(typeof state.paired.mcnemar_p).toBe('number')
  })

  it('promote makes the candidate stable; rollback then restores the old one; nothing left is a 409', async () => {
    const promoted = await post('/admin/promote', undefined, { 'x-api-key': KEY })
    expect(promoted.statusCode).toBe(200)
    expect(promoted.json()).toMatchObject({ status: 'promoted', stable: '1', candidate: '3' })
    expect((await predict()).headers['x-model-version']).toBe('3')
    expect((await post('/admin/promote', undefined, { 'x-api-key': KEY })).statusCode).toBe(409)
    expect((await post('/admin/rollback', undefined, { 'x-api-key': KEY })).statusCode).toBe(200)
    expect((await predict()).headers['x-model-version']).toBe('1')
    // GET /models lists the alias changes, newest first: this rollback, the promote, the shadow rollout, the
    // gate's rollback of version 2, and the canary rollout of version 2.
    const history = (await app.inject({ url: '/models' })).json().models[0].history
    expect(
      history.slice(0, 5).map((e: Record<string, unknown>) => [e.action, e.alias, e.from, e.to]),
    ).toEqual([
      ['rollback', 'stable', '3', '1'],
      ['promote', 'stable', '1', '3'],
      ['rollout', 'candidate', null, '3'],
      ['rollback', 'candidate', '2', null],
      ['rollout', 'candidate', null, '2'],
    ])
    expect(history[3].reason).toMatch(/^gate: significantly_worse: /)
    expect(history[4].reason).toBe('admin api: canary 0.5')
    const times = history.map((e: { at: string }) => Date.parse(e.at))
    expect([...times].sort((a, b) => b - a)).toEqual(times)
  })

  it('GET /models shows at most the 20 latest alias changes', async () => {
    for (let i = 0; i < 12; i++) {
      expect((await post('/admin/rollout', { candidate: '3', mode: 'shadow' })).statusCode).toBe(200)
      expect((await post('/admin/rollback', undefined, { 'x-api-key': KEY })).statusCode).toBe(200)
    }
    const history = (await app.inject({ url: '/models' })).json().models[0].history
    expect(history).toHaveLength(20)
    expect(history[0]).toMatchObject({ action: 'rollback', alias: 'candidate', from: '3', to: null })
  })
})
