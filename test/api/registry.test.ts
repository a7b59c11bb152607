/**
 * Serving from the registry through the app: GET /models, X-Model-Version on every prediction answer (Fastify
 * routes, the fast lane, V2), the version in the log line and in iris_predictions_total, versioned V2 inference
 * for any loaded version (by number or alias), 404 JSON for the rest, and an alias change applied live.
 */
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type App, buildApp } from '../../src/api/app.js'
import { createLogger } from '../../src/api/logging.js'
import { loadConfig } from '../../src/config.js'
import { saveModel } from '../../src/model/artifact.js'
import { ModelSlot } from '../../src/model/model-slot.js'
import {
  Registry,
  RegistryApplier,
  ServedVersions,
  servingRegistry,
  writeOnline,
} from '../../src/model/registry/index.js'
import type { ModelDescription } from '../../src/model/serialize.js'
import { metadataFor, smallIrisModel, tempDir } from '../support/model.js'
import { buildTestApp, injectServer, requestLines, SETOSA } from './helper.js'

const NAME = 'iris_model'
let root: string
let registry: Registry
let app: App
let applier: RegistryApplier
const logs: Record<string, unknown>[] = []

const add = (d: ModelDescription) =>
  registry.addVersion(NAME, async (dir) => {
    await saveModel(dir, NAME, d, metadataFor(d))
  })

beforeAll(async () => {
  root = await tempDir('iris-registry-api-')
  registry = new Registry(root)
  await add((await smallIrisModel(5)).description)
  await add((await smallIrisModel(8)).description)
  await add((await smallIrisModel(3)).description) // version 3: no alias, not loaded
  await registry.setAlias(NAME, 'candidate', '2')
  await writeOnline(registry.nameDir(NAME), { '1': { rows: 4, correct: 3 } })
  const config = loadConfig({ LOG_LEVEL: 'info', MODELS_DIR: root })
  const models = new ModelSlot()
  const versions = new ServedVersions()
  const target = servingRegistry(config)!
  applier = new RegistryApplier(target.registry, NAME, versions, models, { warn: () => {} })
  await applier.readAndApply()
  const logger = createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line)) })
  app = await buildApp(config, models, { logger, versions, registry: target })
  await app.ready()
})
afterAll(async () => {
  await app?.close()
  await rm(root, { recursive: true, force: true })
})

const predict = (url = '/predict') =>
  injectServer(app, {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ input: [SETOSA] }),
  })
const infer = (path: string) =>
  app.inject({
    method: 'POST',
    url: `/v2/models/${path}/infer`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP64', data: SETOSA }] }),
  })

describe('GET /models', () => {
  it('lists every version with aliases, accuracies, online accuracy and what is loaded', async () => {
    const res = await app.inject({ url: '/models' })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.rollout).toEqual({ status: 'none' })
    expect(body.models).toHaveLength(1)
    const [m] = body.models
    expect(m.name).toBe(NAME)
    expect(m.broken).toEqual([])
    expect(
      m.versions.map((v: Record<string, unknown>) => [v.version, v.aliases, v.loaded, v.online_accuracy]),
    ).toEqual([
      ['1', ['stable'], true, 0.75],
      ['2', ['candidate'], true, null],
      ['3', [], false, null],
    ])
    expect(m.versions[0].model_hash).toMatch(/^[0-9a-f]{12}$/)
    // aliases.json's history, newest first: at least version 1's registration as stable.
    expect(m.history.at(-1)).toMatchObject({ action: 'register', alias: 'stable', from: null, to: '1' })
    for (const e of m.history) expect(Date.parse(e.at)).not.toBeNaN()
  })

  it('with MODEL_PATH (one file) lists that model as its only, stable, version', async () => {
    const t = await buildTestApp()
    try {
      const body = (await t.app.inject({ url: '/models' })).json()
      expect(body.models[0].versions).toEqual([
        expect.objectContaining({ version: t.models.current!.version, aliases: ['stable'], loaded: true }),
      ])
      expect(body.rollout).toEqual({ status: 'none' })
      expect(body.models[0].history).toEqual([])
    } finally {
      await t.app.close()
    }
  })
})

describe('X-Model-Version and the version in logs and metrics', () => {
  it('carries the stable version on /predict and /predict-proba, fast lane and Fastify alike', async () => {
    for (const url of ['/predict', '/predict-proba', '/predict?via=fastify']) {
      const res = await predict(url)
      expect(res.statusCode, url).toBe(200)
      expect(res.headers['x-model-version'], url).toBe('1')
    }
    const lines = requestLines(logs).filter((l) =>
      String((l.request_metrics as { endpoint: string }).endpoint).startsWith('/predict'),
    )
    expect(lines.length).toBeGreaterThanOrEqual(3)
    for (const l of lines) expect((l.request_metrics as { model_version?: string }).model_version).toBe('1')
    expect(await app.inject({ url: '/metrics' }).then((r) => r.body)).toMatch(
      /^iris_predictions_total\{class="setosa",version="1"\} [1-9]/m,
    )
  })

  it('carries the version on /explain, and in its log line', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/explain',
      payload: { input: [[5.1, 3.5, 1.4, 0.2]] },
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['x-model-version']).toBe('1')
    const line = requestLines(logs).find(
      (l) => (l.request_metrics as { endpoint: string }).endpoint === '/explain',
    )
    expect(line).toBeDefined()
    expect((line?.request_metrics as { model_version?: string } | undefined)?.model_version).toBe('1')
  })

  it('V2 reaches any loaded version by number or alias, and says which answered', async () => {
    for (const [path, version] of [
      [NAME, '1'],
      [`${NAME}/versions/1`, '1'],
      [`${NAME}/versions/2`, '2'],
      [`${NAME}/versions/candidate`, '2'],
      [`${NAME}/versions/stable`, '1'],
    ] as const) {
      const res = await infer(path)
      expect(res.statusCode, path).toBe(200)
      expect(res.headers['x-model-version'], path).toBe(version)
      expect(res.json().model_version, path).toBe(version)
    }
  })

  it('answers 404 JSON for an unknown version, an alias that does not exist and a version not loaded', async () => {
    for (const path of [
      `${NAME}/versions/9`,
      `${NAME}/versions/canary`,
      `${NAME}/versions/3`,
      'other/versions/1',
    ]) {
      const res = await infer(path)
      expect(res.statusCode, path).toBe(404)
      expect(res.json(), path).toEqual({ error: expect.any(String) })
    }
  })
})

describe('an alias change', () => {
  it('is applied whole: the promoted version answers; the old one, left without an alias, is unloaded', async () => {
    await registry.promote(NAME, null, 'test')
    const outcome = await applier.readAndApply()
    expect(outcome).toMatchObject({ changed: true, previousVersion: '1', version: '2' })
    expect((await predict()).headers['x-model-version']).toBe('2')
    expect((await infer(`${NAME}/versions/1`)).statusCode).toBe(404) // no alias left on 1: unloaded
    await registry.rollback(NAME, 'test')
    await applier.readAndApply()
    expect((await predict()).headers['x-model-version']).toBe('1')
  })

  it('is refused when the new stable is broken: the serving versions stay', async () => {
    await registry.setAlias(NAME, 'stable', '3')
    await writeFile(join(registry.nameDir(NAME), '3', `${NAME}.json`), '{}')
    await expect(applier.readAndApply()).rejects.toThrow(/stable version 3 .* missing or broken/)
    expect((await predict()).headers['x-model-version']).toBe('1')
    const body = (await app.inject({ url: '/models' })).json()
    expect(body.models[0].revision).toBeGreaterThan(0)
    await registry.setAlias(NAME, 'stable', '1') // (the CLI's checks refuse 3 now; 1 is valid)
  })
})

describe('POST /admin/reload in registry mode', () => {
  it('re-reads the registry (no path) and refuses a file path with 400', async () => {
    const { installStandaloneRegistry } = await import('../../src/server/registry-relay.js')
    const KEY = 'registry-test-admin-key'
    const config = loadConfig({ LOG_LEVEL: 'silent', MODELS_DIR: root, ADMIN_API_KEYS: KEY })
    const models = new ModelSlot()
    const versions = new ServedVersions()
    const target = { ...servingRegistry(config)!, pollS: 0 } // SIGHUP-only: no timer in the test process
    const own = new RegistryApplier(target.registry, NAME, versions, models, { warn: () => {} })
    await own.readAndApply()
    const silent = { info: () => {}, error: () => {} }
    const reload = installStandaloneRegistry(own, target, silent)
    const admin = await buildApp(config, models, {
      logger: createLogger('silent'),
      versions,
      registry: target,
      reload,
    })
    try {
      const post = (payload?: object) =>
        admin.inject({
          method: 'POST',
          url: '/admin/reload',
          headers: { 'x-api-key': KEY, ...(payload ? { 'content-type': 'application/json' } : {}) },
          ...(payload ? { payload: JSON.stringify(payload) } : {}),
        })
      await registry.setAlias(NAME, 'stable', '2')
      const res = await post()
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json()).toMatchObject({
        model_version: '2',
        previous_version: '1',
        file: `${NAME}/2/${NAME}.json`,
        workers: 1,
      })
      expect(models.current?.version).toBe('2')
      const refused = await post({ path: `${NAME}/1/${NAME}.json` })
      expect(refused.statusCode).toBe(400)
      expect(refused.json().error).toMatch(/serves the model registry .*\(iris models alias/)
    } finally {
      await admin.close()
      await registry.setAlias(NAME, 'stable', '1')
    }
  })
})
