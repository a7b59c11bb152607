/**
 * The hand-written parsers against the TypeBox schemas that document them, as ../input.test.ts does for
 * /predict: for the V2 infer envelope (../v2/request.ts) and for POST /explain (the predict parser behind
 * the EXPLAIN_MAX_ROWS cap, over HTTP). Whatever the schema accepts with the right shape and finite numbers
 * the parser accepts and decodes exactly; whatever the parser accepts the schema accepts; faults are only
 * the documented statuses; every 200 reply matches its response schema.
 */
import fc from 'fast-check'
import Value from 'typebox/value'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/api/helper.js'
import { HttpError } from '../errors.js'
import { parseInferRequest } from '../v2/request.js'
import { ExplainResponse } from './explain.js'
import { PredictBody } from './predict.js'
import { V2InferRequest } from './v2.js'

const N_FEATURES = 4
const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 })
const row = fc.array(finite, { minLength: N_FEATURES, maxLength: N_FEATURES })
const outputName = fc.constantFrom('predict', 'predict_proba')

describe('V2 infer: parseInferRequest against V2InferRequest', () => {
  it('accepts every schema-valid FP64 request of the right shape and decodes it exactly', () => {
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        fc.uniqueArray(outputName, { maxLength: 2 }),
        (rows, nested, id, outputs) => {
          const body = {
            ...(id === undefined ? {} : { id }),
            inputs: [
              {
                name: 'input-0',
                shape: [rows.length, N_FEATURES],
                datatype: 'FP64',
                data: nested ? rows : rows.flat(),
              },
            ],
            ...(outputs.length === 0 ? {} : { outputs: outputs.map((name) => ({ name })) }),
          }
          expect(Value.Check(V2InferRequest, body)).toBe(true)
          const parsed = parseInferRequest(body, N_FEATURES, 12)
          expect(parsed.nRows).toBe(rows.length)
          expect(Array.from(parsed.rows)).toEqual(rows.flat())
          expect(parsed.id).toBe(id)
          expect(parsed.outputs).toEqual(outputs.length === 0 ? ['predict'] : outputs)
        },
      ),
    )
  })

  it('never throws anything but a 400/413 HttpError, and never accepts what the schema refuses', () => {
    const tensor = fc.record(
      {
        name: fc.oneof(fc.constant('input-0'), fc.jsonValue()),
        shape: fc.oneof(
          fc.constant([2, N_FEATURES]),
          fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 3 }),
          fc.jsonValue(),
        ),
        datatype: fc.oneof(fc.constantFrom('FP32', 'FP64', 'INT8', 'UINT8', 'BYTES', 'BOOL'), fc.jsonValue()),
        data: fc.oneof(
          fc.array(fc.oneof(finite, fc.integer({ min: -300, max: 300 })), { maxLength: 10 }),
          fc.array(fc.array(fc.oneof(finite, fc.jsonValue()), { maxLength: 5 }), { maxLength: 3 }),
          fc.jsonValue(),
        ),
        parameters: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue()),
      },
      { requiredKeys: [] },
    )
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          id: fc.oneof(fc.string(), fc.jsonValue()),
          parameters: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue()),
          inputs: fc.oneof(fc.array(tensor, { maxLength: 2 }), fc.jsonValue()),
          outputs: fc.oneof(
            fc.array(fc.record({ name: fc.oneof(outputName, fc.jsonValue()) }, { requiredKeys: [] }), {
              maxLength: 10,
            }),
            fc.jsonValue(),
          ),
        },
        { requiredKeys: [] },
      ),
    )
    fc.assert(
      fc.property(body, (b) => {
        let accepted = false
        try {
          parseInferRequest(b, N_FEATURES, 3)
          accepted = true
        } catch (e) {
          expect(e).toBeInstanceOf(HttpError)
          expect([400, 413]).toContain((e as HttpError).statusCode)
        }
        if (accepted) expect(Value.Check(V2InferRequest, b)).toBe(true)
      }),
      { numRuns: 3000 },
    )
  })
})

describe('POST /explain against PredictBody and ExplainResponse (over app.inject)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ EXPLAIN_MAX_ROWS: '3' })
  })
  afterAll(async () => {
    await t.app.close()
  })

  const explain = (body: unknown) =>
    t.app.inject({
      method: 'POST',
      url: '/explain',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    })

  it('explains every schema-valid body within the cap, and the reply matches its schema', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 3 }), async (input) => {
        expect(Value.Check(PredictBody, { input })).toBe(true)
        const res = await explain({ input })
        expect(res.statusCode).toBe(200)
        const reply = res.json()
        expect(Value.Check(ExplainResponse, reply)).toBe(true)
        expect(reply.explanations).toHaveLength(input.length)
      }),
      { numRuns: 60 },
    )
  })

  it('answers only documented faults, and never 200 to what the schema refuses', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue(),
          fc.record({ input: fc.jsonValue() }),
          fc.record({ input: fc.array(fc.array(fc.jsonValue(), { maxLength: 5 }), { maxLength: 5 }) }),
          fc.record({ input: fc.array(row, { minLength: 4, maxLength: 6 }) }),
        ),
        async (body) => {
          const res = await explain(body)
          expect([200, 400, 413, 415, 422]).toContain(res.statusCode)
          if (res.statusCode === 200) expect(Value.Check(PredictBody, body)).toBe(true)
          else expect(typeof res.json().error).toBe('string')
        },
      ),
      { numRuns: 300 },
    )
  })
})
