/**
 * Property tests of the HTTP contract (issue 7, "Bad input"), bounded for `npm test`; scripts/fuzz.ts runs
 * the same generators for >= 10,000 cases. Every POST route the OpenAPI document lists is hit.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fuzzRequest, validRows } from '../../dev/fuzz/cases.js'
import { postRoutes, prototypeSnapshot, runCase } from '../../dev/fuzz/judge.js'
import type { PredictionModel } from '../../src/model/types.js'
import { buildTestApp, type TestApp } from '../api/helper.js'

let t: TestApp
let model: PredictionModel
let routes: string[]
const before = prototypeSnapshot()

beforeAll(async () => {
  t = await buildTestApp({ LOG_LEVEL: 'silent' })
  model = t.models.current!
  routes = postRoutes(t.app, model)
})
afterAll(() => t.app.close())

describe('hostile requests against every POST route', () => {
  it('covers the routes we expect', () => {
    expect(routes).toEqual(
      expect.arrayContaining([
        '/predict',
        '/predict-proba',
        '/admin/reload',
        `/v2/models/${model.name}/infer`,
      ]),
    )
  })

  it('answers JSON 4xx or a correct 200, never 5xx, no internals, no prototype pollution', async () => {
    const tally = new Map<number, number>()
    await fc.assert(
      fc.asyncProperty(fuzzRequest(routes), async (req) => {
        const v = await runCase(t.app, req, model)
        tally.set(v.status, (tally.get(v.status) ?? 0) + 1)
        if (v.fault !== null) throw new Error(`${req.kind}: ${v.fault}`)
      }),
      { numRuns: 2000, seed: Number(process.env.FUZZ_SEED ?? 7) },
    )
    expect(prototypeSnapshot()).toBe(before)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    // The generators reach both sides of the contract: accepted bodies and several kinds of refusal.
    expect(tally.get(200) ?? 0).toBeGreaterThan(50)
    for (const s of [400, 413, 415, 422]) expect(tally.get(s) ?? 0, `status ${s}`).toBeGreaterThan(0)
  }, 120_000)

  it('gives the model exact answers for any valid rows, on both seed routes', async () => {
    await fc.assert(
      fc.asyncProperty(validRows, fc.constantFrom('/predict', '/predict-proba'), async (rows, url) => {
        const req = {
          url,
          contentType: 'application/json',
          payload: JSON.stringify({ input: rows }),
          kind: 'valid',
        }
        const v = await runCase(t.app, req, model)
        if (v.status !== 200 || v.fault !== null) throw new Error(v.fault ?? `status ${v.status}`)
      }),
      { numRuns: 300 },
    )
  })

  it('is still serving afterwards', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/predict',
      payload: { input: [[5.1, 3.5, 1.4, 0.2]] },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().prediction).toHaveLength(1)
  })
})

describe('the named hard cases', () => {
  it('refuses a finite double beyond float32 range with 422, not 500 (found by the fuzzer)', async () => {
    for (const url of ['/predict', '/predict-proba', '/explain']) {
      const res = await t.app.inject({ method: 'POST', url, payload: '{"input":[[5.1,3.5,1e300,0.2]]}' })
      expect(res.statusCode, url).toBe(422)
      expect(res.json().error).toMatch(/input\[0\]\[2\] must be a finite number within float32 range/)
    }
  })

  const cases: [string, string][] = [
    ['10,000 levels of [', '['.repeat(10_000)],
    ['10,000 nested lists closed', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    ['deep input', `{"input":${'['.repeat(10_000)}${']'.repeat(10_000)}}`],
    ['__proto__ key', '{"__proto__":{"polluted":"yes"},"input":[[5.1,3.5,1.4,0.2]]}'],
    ['constructor.prototype', '{"constructor":{"prototype":{"polluted":"yes"}},"input":[[5.1,3.5,1.4,0.2]]}'],
    ['input is __proto__', '{"input":{"__proto__":[[1,2,3,4]]}}'],
    ['1e400', '{"input":[[1e400,1,1,1]]}'],
    ['huge integer', `{"input":[[${'9'.repeat(5000)},1,1,1]]}`],
    ['lone surrogate', '{"input":[["\\ud800",1,1,1]]}'],
    ['NUL bytes', '\u0000\u0000{"input":[[1,2,3,4]]}'],
  ]
  it.each(cases)('%s', async (_name, payload) => {
    for (const url of routes) {
      for (const contentType of ['application/json', 'text/plain', undefined]) {
        const v = await runCase(t.app, { url, contentType, payload, kind: 'named' }, model)
        expect(v.fault).toBeNull()
      }
    }
    expect(prototypeSnapshot()).toBe(before)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
