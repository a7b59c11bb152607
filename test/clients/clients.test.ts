/**
 * The client examples work against the service as it is: the typed TypeScript client (openapi-fetch over
 * types generated from our OpenAPI document) against the app on a port, the Python example (`requests`)
 * as a real process against a real server, and the committed OpenAPI document is the app's (so the
 * generated types are current: `npm run clients:generate` rewrites both).
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { irisClient } from '../../clients/typescript/client.js'
import { OPENAPI_FILE, openApiText } from '../../scripts/openapi-client.js'
import { buildTestApp, type TestApp } from '../api/helper.js'

const ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [6.2, 3.4, 5.4, 2.3],
]
let t: TestApp
let base: string

beforeAll(async () => {
  t = await buildTestApp()
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  const address = t.app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  base = `http://127.0.0.1:${address.port}`
})
afterAll(() => t.app.close())

/** What the served model itself says for ROWS. */
function expected() {
  const model = t.models.current!
  const flat = Float64Array.from(ROWS.flat())
  return {
    labels: Array.from(model.predictIndices(flat, ROWS.length), (i) => model.classes[i]!),
    proba: Array.from(model.predictProba(flat, ROWS.length)),
  }
}

describe('the typed TypeScript client', () => {
  it('predicts, gives probabilities and metadata, speaks V2, and returns errors typed', async () => {
    const client = irisClient(base)
    const { labels, proba } = expected()
    const predicted = await client.POST('/predict', { body: { input: ROWS } })
    expect(predicted.data?.prediction).toEqual(labels)
    const probabilities = await client.POST('/predict-proba', { body: { input: ROWS } })
    expect(probabilities.data?.probabilities.flat()).toEqual(proba)
    const model = await client.GET('/model')
    expect(model.data?.name).toBe(t.models.current!.name)
    const v2 = await client.POST('/v2/models/{model_name}/infer', {
      params: { path: { model_name: t.models.current!.name } },
      body: {
        inputs: [{ name: 'input-0', shape: [2, 4], datatype: 'FP64', data: ROWS.flat() }],
        outputs: [{ name: 'predict' }],
      },
    })
    expect(v2.data?.outputs[0]?.data).toEqual(labels)
    const bad = await client.POST('/predict', { body: { input: [[1, 2, 3]] } })
    expect(bad.response.status).toBe(422)
    expect(bad.error?.error).toBe('input[0] has 3 values; the model expects 4')
  })
})

describe('the Python example (clients/python/example.py)', () => {
  it('runs against a real server and prints what the model says, over /predict and V2', async () => {
    const { labels, proba } = expected()
    const { stdout } = await promisify(execFile)('python3', ['clients/python/example.py', base], {
      timeout: 60_000,
    })
    const lines = stdout.trim().split('\n')
    expect(lines[0]).toBe(`prediction ${labels.join(',')}`)
    const printed = (prefix: string) =>
      JSON.parse(lines.find((l) => l.startsWith(`${prefix} `))!.slice(prefix.length + 1)) as number[]
    expect(printed('probabilities').flat()).toEqual(proba)
    expect(lines).toContain(`v2 ${labels.join(',')}`)
    expect(printed('v2 probabilities')).toEqual(proba)
  }, 60_000)
})

describe('the generated types follow the API', () => {
  it('clients/openapi.json is the OpenAPI document the app serves', async () => {
    const stale =
      'clients/openapi.json is behind the app: run `npm run clients:generate` and commit both files'
    expect(readFileSync(OPENAPI_FILE, 'utf8'), stale).toBe(await openApiText())
  })
})
