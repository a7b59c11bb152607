/**
 * The gate's p99 rule through the app: during a canary, each prediction's compute time is counted for the
 * version that answered; GET /models and /metrics show each version's p99; a candidate whose p99 exceeds
 * ROLLOUT_P99_MARGIN × stable's (once both have ROLLOUT_LATENCY_MIN_SAMPLES timed predictions) is rolled back
 * with reason latency_p99. No model is really slow: the app's rollout clock is a fake one that each model
 * call advances (stable by 0.2 ms, the candidate by 5 ms), so the test never depends on the machine's speed.
 */
import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type App, buildApp } from '../../src/api/app.js'
import { createLogger } from '../../src/api/logging.js'
import { loadConfig } from '../../src/config.js'
import { saveModel } from '../../src/model/artifact.js'
import { ModelSlot } from '../../src/model/model-slot.js'
import { Registry, RegistryApplier, ServedVersions, servingRegistry } from '../../src/model/registry/index.js'
import type { ModelDescription } from '../../src/model/serialize.js'
import type { PredictionModel } from '../../src/model/types.js'
import { metadataFor, smallIrisModel, tempDir } from '../support/model.js'
import { SETOSA, VERSICOLOR } from './helper.js'

const NAME = 'iris_model'
const KEY = 'rollout-latency-admin-key-0123456789'
const MIN_SAMPLES = 50
const STABLE_MS = 0.2
const CANDIDATE_MS = 5
const json = { 'content-type': 'application/json' }

let root: string
let app: App
let versions: ServedVersions
let slot: ModelSlot
const logs: Record<string, unknown>[] = []
/** The fake clock (ms) the app's rollout engine reads. */
let now = 0

/** A copy of `model` (loaded models are frozen) whose every prediction advances the fake clock by `ms`. */
function slowed(model: PredictionModel, ms: number): PredictionModel {
  return Object.freeze({
    ...model,
    predictIndices: (rows: Float64Array, n: number) => {
      now += ms
      return model.predictIndices(rows, n)
    },
    predictProba: (rows: Float64Array, n: number) => {
      now += ms
      return model.predictProba(rows, n)
    },
  })
}

/** Serves slowed copies of stable and the candidate (the same swap a registry sync makes). */
function slowDownServedModels(): void {
  const set = versions.current!
  const stable = slowed(set.stable, STABLE_MS)
  const models = new Map(set.models)
  models.set(stable.version, stable)
  models.set('2', slowed(set.models.get('2')!, CANDIDATE_MS))
  versions.swap({ ...set, stable, models })
  slot.swap(stable)
}

beforeAll(async () => {
  root = await tempDir('iris-rollout-latency-')
  const registry = new Registry(root)
  const add = (d: ModelDescription) =>
    registry.addVersion(NAME, async (dir) => {
      await saveModel(dir, NAME, d, metadataFor(d))
    })
  await add((await smallIrisModel(10)).description) // 1: stable
  await add((await smallIrisModel(12)).description) // 2: as right as stable, but (by the fake clock) slow
  const config = loadConfig({
    LOG_LEVEL: 'info',
    MODELS_DIR: root,
    ADMIN_API_KEYS: KEY,
    // Only the latency rule can decide here.
    ROLLOUT_MIN_FEEDBACK: '100000',
    ROLLOUT_LATENCY_MIN_SAMPLES: String(MIN_SAMPLES),
  })
  const models = new ModelSlot()
  slot = models
  versions = new ServedVersions()
  const target = servingRegistry(config)!
  const applier = new RegistryApplier(target.registry, NAME, versions, models, { warn: () => {} })
  await applier.readAndApply()
  const reload = async () => {
    const o = await applier.readAndApply()
    return { version: o.version, previousVersion: o.previousVersion, file: '', workers: 1 }
  }
  const logger = createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line)) })
  app = await buildApp(config, models, {
    logger,
    versions,
    registry: target,
    reload,
    rolloutClock: () => now,
  })
  await app.ready()
})
afterAll(async () => {
  await app?.close()
  await rm(root, { recursive: true, force: true })
})

const post = (url: string, body: unknown, headers: Record<string, string>) =>
  app.inject({ method: 'POST', url, headers, payload: body === undefined ? undefined : JSON.stringify(body) })
const rolloutState = async () => (await app.inject({ url: '/models' })).json().rollout
/** `n` predictions from distinct clients (half of them land on the candidate); returns who answered. */
async function predictions(from: number, n: number): Promise<Record<string, number>> {
  const seen: Record<string, number> = {}
  for (let c = from; c < from + n; c++) {
    const url = c % 2 ? '/predict' : '/predict-proba'
    const res = await post(url, { input: [SETOSA] }, { ...json, 'x-client-id': `client-${c}` })
    expect(res.statusCode).toBe(200)
    const v = String(res.headers['x-model-version'])
    seen[v] = (seen[v] ?? 0) + 1
  }
  return seen
}
/** One labelled row: the feedback route sends this process's counts to the tally at once. */
const feedback = () => post('/feedback', { input: [VERSICOLOR], truth: ['versicolor'] }, json)

describe('the gate: p99 latency', () => {
  it('shows each version p99 in GET /models and /metrics while the rollout runs', async () => {
    const res = await post(
      '/admin/rollout',
      { candidate: '2', mode: 'canary', weight: 0.5 },
      { ...json, 'x-api-key': KEY },
    )
    expect(res.statusCode).toBe(200)
    slowDownServedModels()

    const seen = await predictions(0, 40)
    expect(seen['2']).toBeGreaterThan(0)
    expect(seen['2']).toBeLessThan(MIN_SAMPLES)
    expect((await feedback()).statusCode).toBe(200)
    const state = await rolloutState()
    expect(state.status).toBe('running')
    expect(state.latency['1'].samples).toBe(seen['1'])
    expect(state.latency['2'].samples).toBe(seen['2'])
    // Within one histogram bucket (a factor 10^0.1) of the fake durations.
    expect(state.latency['1'].p99_ms).toBeGreaterThan(STABLE_MS / 1.26)
    expect(state.latency['1'].p99_ms).toBeLessThanOrEqual(STABLE_MS * 1.26)
    expect(state.latency['2'].p99_ms).toBeGreaterThan(CANDIDATE_MS / 1.26)
    expect(state.latency['2'].p99_ms).toBeLessThanOrEqual(CANDIDATE_MS * 1.26)
    const metrics = (await app.inject({ url: '/metrics' })).body
    const p99 = (v: string) =>
      Number(metrics.match(new RegExp(`^iris_rollout_p99_ms\\{version="${v}"\\} (\\S+)$`, 'm'))?.[1])
    expect(p99('1')).toBeCloseTo(state.latency['1'].p99_ms, 9)
    expect(p99('2')).toBeCloseTo(state.latency['2'].p99_ms, 9)
  })

  it('rolls the slow candidate back with reason latency_p99 once both sides have enough timed predictions', async () => {
    await predictions(40, 4 * MIN_SAMPLES)
    expect((await feedback()).statusCode).toBe(200)
    const state = await rolloutState()
    expect(state).toMatchObject({ status: 'rolled_back', stable: '1', candidate: '2', weight: 0 })
    expect(state.reason).toMatch(
      /^gate: latency_p99: candidate 2 p99 \S+ ms exceeds 1\.5× stable 1's p99 \S+ ms \(\d+ and \d+ timed predictions\)$/,
    )
    const warn = logs.find((l) => l.message === 'Rollout rolled back by the gate')
    expect(warn).toMatchObject({ level: 'WARN', reason: 'latency_p99', candidate: '2' })
    const metrics = (await app.inject({ url: '/metrics' })).body
    expect(metrics).toMatch(/^iris_rollbacks_total\{reason="latency_p99"\} 1$/m)
    expect(metrics).not.toMatch(/^iris_rollout_p99_ms\{/m)
    // No more traffic to the candidate.
    expect(await predictions(0, 20)).toEqual({ '1': 20 })
  })
})
