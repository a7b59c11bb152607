/**
 * POST /admin/reload in one process (the cluster relay is tested with real processes in
 * reload-process.test.ts): a good file swaps with no failed request under load, every bad kind of file is
 * refused with a clear error while the old model keeps serving, and paths cannot leave MODELS_DIR.
 */
import { relative } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LEAK } from '../../dev/fuzz/judge.js'
import { type ModelFiles, makeModelFiles } from '../../dev/harness/model-files.js'
import { buildApp } from '../../src/api/app.js'
import { createLogger } from '../../src/api/logging.js'
import { loadConfig } from '../../src/config.js'
import { loadModel } from '../../src/model/load-model.js'
import { ModelSlot } from '../../src/model/model-slot.js'
import type { PredictionModel } from '../../src/model/types.js'

const KEY = 'reload-test-admin-key'
let files: ModelFiles
let app: Awaited<ReturnType<typeof buildApp>>
let holder: ModelSlot
const auth = { 'x-api-key': KEY }

beforeAll(async () => {
  files = await makeModelFiles()
  const config = loadConfig({
    MODEL_PATH: files.serving,
    ADMIN_API_KEYS: KEY,
    LOG_LEVEL: 'silent',
    WEB_ROOT: 'none',
  })
  holder = new ModelSlot(await loadModel(files.serving))
  app = await buildApp(config, holder, { logger: createLogger('silent') })
  await app.ready()
})
afterAll(() => app.close())

const reload = (payload?: unknown, headers: Record<string, string> = auth) =>
  app.inject({
    method: 'POST',
    url: '/admin/reload',
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  })
const served = async () => (await app.inject({ url: '/model' })).json().version as string

/** Rows covering the feature space, so two different forests disagree somewhere. */
const ROWS = Array.from({ length: 60 }, (_, i) => [
  4 + (i % 5) * 0.9,
  2 + (i % 3) * 0.7,
  1 + (i % 6) * 1.1,
  0.1 + (i % 4) * 0.7,
])
async function probabilities(): Promise<number[][]> {
  const res = await app.inject({ method: 'POST', url: '/predict-proba', payload: { input: ROWS } })
  if (res.statusCode !== 200) throw new Error(res.body)
  return res.json().probabilities
}
function expected(model: PredictionModel): number[][] {
  const p = model.predictProba(Float64Array.from(ROWS.flat()), ROWS.length)
  return ROWS.map((_, i) => Array.from(p.subarray(i * 3, i * 3 + 3)))
}

describe('refused reloads keep the old model serving', () => {
  const bad: [string, () => string, number, RegExp][] = [
    ['corrupt JSON', () => 'corrupt.json', 422, /corrupt\.json: .*(JSON|json)/],
    ['truncated file', () => 'truncated.json', 422, /truncated\.json: /],
    ['other features', () => 'other_features.json', 422, /other_features\.json: features \[.*_mm.*\] differ/],
    [
      'other classes',
      () => 'other_classes.json',
      422,
      /other_classes\.json: classes \[iris-a, iris-b, iris-c\] differ/,
    ],
    ['missing file', () => 'nope.json', 400, /path "nope.json" does not exist in the models folder/],
    ['../ escape', () => '../outside.json', 400, /outside the models folder/],
    ['absolute path elsewhere', () => files.outside, 400, /outside the models folder/],
    ['the folder itself', () => '.', 400, /outside the models folder/],
  ]
  it.each(bad)('%s', async (_name, path, status, message) => {
    const before = await probabilities()
    const res = await reload({ path: path() })
    expect(res.statusCode).toBe(status)
    const body = res.json()
    expect(body.error).toMatch(message)
    if (status === 422)
      expect(body.error).toMatch(new RegExp(`^model reload refused, still serving ${files.servingVersion}`))
    expect(res.body).not.toContain(files.dir)
    expect(LEAK.test(res.body)).toBe(false)
    expect(await served()).toBe(files.servingVersion)
    expect(await probabilities()).toEqual(before)
  })

  it('refuses malformed bodies and anonymous callers', async () => {
    expect((await reload({ path: 3 })).statusCode).toBe(400)
    expect((await reload({ file: 'x' })).json().error).toMatch(/unknown field "file"/)
    expect((await reload([1])).statusCode).toBe(400)
    expect((await reload({}, {})).statusCode).toBe(401)
    expect(await served()).toBe(files.servingVersion)
  })

  it('never loads anything outside MODELS_DIR, whatever the path (property)', async () => {
    const inside = new Set(['', 'iris_model.json', 'iris_model_v2.json', 'sub/nested.json'])
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc
            .array(
              fc.constantFrom('..', '.', 'sub', '/', 'tmp', '%2e%2e', '..\\', 'iris_model.json', '\u0000'),
              { maxLength: 6 },
            )
            .map((a) => a.join('/')),
        ),
        async (path) => {
          const res = await reload({ path })
          expect(res.statusCode).toBeLessThan(500)
          if (res.statusCode === 200)
            expect(inside.has(relative(files.dir, `${files.dir}/${res.json().file}`))).toBe(true)
          expect(res.body).not.toContain(files.dir)
        },
      ),
      { numRuns: 150 },
    )
    // Whatever happened above, put the original back for the next tests.
    expect((await reload({ path: 'iris_model.json' })).statusCode).toBe(200)
  })
})

describe('a good reload', () => {
  it('swaps under load with no failed request, and the answers switch to the new model', async () => {
    const oldModel = await loadModel(files.serving)
    const newModel = await loadModel(files.good)
    expect(expected(newModel)).not.toEqual(expected(oldModel))
    expect(await probabilities()).toEqual(expected(oldModel))

    let stop = false
    const seen = { old: 0, new: 0, other: 0, failed: 0 }
    const load = async () => {
      while (!stop) {
        const res = await app.inject({ method: 'POST', url: '/predict-proba', payload: { input: ROWS } })
        if (res.statusCode !== 200) seen.failed++
        else {
          const p = JSON.stringify(res.json().probabilities)
          if (p === JSON.stringify(expected(oldModel))) seen.old++
          else if (p === JSON.stringify(expected(newModel))) seen.new++
          else seen.other++
        }
      }
    }
    const clients = Array.from({ length: 8 }, load)
    await new Promise((r) => setTimeout(r, 150))
    const res = await reload({ path: 'iris_model_v2.json' })
    await new Promise((r) => setTimeout(r, 150))
    stop = true
    await Promise.all(clients)

    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      status: 'reloaded',
      model_version: files.goodVersion,
      previous_version: files.servingVersion,
      file: 'iris_model_v2.json',
      workers: 1,
    })
    expect(seen.failed).toBe(0)
    expect(seen.other).toBe(0) // never a mix of the two models in one answer
    expect(seen.old).toBeGreaterThan(0)
    expect(seen.new).toBeGreaterThan(0)
    expect(await probabilities()).toEqual(expected(newModel))
  })

  it('shows the serving version on /model, the model_info metric and V2, under the same name', async () => {
    const model = (await app.inject({ url: '/model' })).json()
    expect(model.version).toBe(files.goodVersion)
    expect(model.name).toBe('iris_model')
    const metrics = (await app.inject({ url: '/metrics' })).body
    expect(metrics).toContain(`iris_model_info{name="iris_model",version="${files.goodVersion}"} 1`)
    expect(metrics).not.toContain(`iris_model_info{name="iris_model",version="${files.servingVersion}"}`)
    const v2 = await app.inject({ url: `/v2/models/iris_model/versions/${files.goodVersion}/ready` })
    expect(v2.statusCode).toBe(200)
  })

  it('re-reads the serving file when no path is given, and accepts nested files inside the folder', async () => {
    const again = await reload()
    expect(again.statusCode).toBe(200)
    expect(again.json().model_version).toBe(files.goodVersion)
    const nested = await reload({ path: 'sub/nested.json' })
    expect(nested.json()).toMatchObject({ status: 'reloaded', file: 'sub/nested.json' })
    const back = await reload({ path: files.serving })
    expect(back.json()).toMatchObject({ model_version: files.servingVersion, file: 'iris_model.json' })
  })
})
