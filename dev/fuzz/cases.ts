/**
 * Hostile HTTP inputs for the property tests (fuzz.test.ts, a few thousand cases in `npm test`) and the
 * long run (scripts/fuzz.ts, >= 10,000). Each case is a raw request: route, Content-Type and body bytes,
 * so the JSON parser, the content-type handling and the input checks are all under test.
 */
import fc from 'fast-check'

export interface FuzzRequest {
  url: string
  contentType: string | undefined
  payload: string | Buffer
  /** What the generator meant, for failure reports and the tally. */
  kind: string
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  undefined,
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'application/json; charset=utf-16',
  'application/json;;;;',
  'garbage',
  '',
  'application/vnd.api+json',
  'text/html; charset="\u00e9"',
]

const contentType = fc.constantFrom(...CONTENT_TYPES)

/** Numbers JSON can write that stress parsing: huge, tiny, negative zero, long mantissas, out of range. */
const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.integer().map(String),
  fc.constantFrom('1e400', '-1e400', '1e-400', '-0', '0.0', '5.1', '1E308', '2.2250738585072014e-308'),
  fc.nat({ max: 400 }).map((n) => `1${'0'.repeat(n)}`),
  fc.nat({ max: 300 }).map((n) => `0.${'1'.repeat(n)}`),
)

/** A value as JSON text that is not always a number (strings, booleans, null, nesting). */
const cellText = fc.oneof(
  { weight: 8, arbitrary: numberText },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)) },
)

const rowText = (width: fc.Arbitrary<number>) =>
  width
    .chain((n) => fc.array(cellText, { minLength: n, maxLength: n }))
    .map((cells) => `[${cells.join(',')}]`)

/** Bodies shaped like {"input": rows}, mostly 4 values per row, sometimes not. */
const predictBody = fc
  .tuple(
    fc.array(
      rowText(
        fc.oneof({ weight: 6, arbitrary: fc.constant(4) }, { weight: 1, arbitrary: fc.nat({ max: 8 }) }),
      ),
      {
        minLength: 0,
        maxLength: 40,
      },
    ),
    fc.boolean(),
  )
  .map(([rows, extraKey]) => `{${extraKey ? '"extra":[1,{"a":null}],' : ''}"input":[${rows.join(',')}]}`)

/** Valid rows only: these must come back 200 with the right answers. */
export const validRows = fc.array(
  fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 4, maxLength: 4 }),
  { minLength: 1, maxLength: 50 },
)

const DANGEROUS = [
  '__proto__',
  'constructor',
  'prototype',
  '__defineGetter__',
  'toString',
  'hasOwnProperty',
  'input',
]

/** Objects whose keys are prototype-pollution gadgets, written as JSON text so `__proto__` stays a key. */
const pollutionBody = fc
  .array(
    fc.tuple(
      fc.constantFrom(...DANGEROUS),
      fc.oneof(
        fc.constant('{"polluted":"yes","prototype":{"polluted":"yes"}}'),
        fc.constant('{"prototype":{"polluted":"yes"}}'),
        fc.constant('[[5.1,3.5,1.4,0.2]]'),
        fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
      ),
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`)

/** Deep nesting, up to 12,000 levels: closed, unclosed, or inside "input". */
const deepBody = fc
  .tuple(
    fc.integer({ min: 1, max: 12_000 }),
    fc.constantFrom('[', '{"a":'),
    fc.constantFrom('closed', 'open', 'input'),
  )
  .map(([depth, open, how]) => {
    const close = open === '[' ? ']' : '}'
    if (how === 'open') return open.repeat(depth)
    const nest = `${open.repeat(depth)}1${close.repeat(depth)}`
    return how === 'input' ? `{"input":[[${nest},1,2,3]]}` : nest
  })

/** Long strings and long number runs, some beyond the body limit. */
const hugeBody = fc.oneof(
  fc.integer({ min: 1, max: 200_000 }).map((n) => `{"input":"${'x'.repeat(n)}"}`),
  fc.integer({ min: 1, max: 5_000 }).map((n) => `{"input":[${Array(n).fill('[1,2,3,4]').join(',')}]}`),
  fc.constant(`{"input":[[${'9'.repeat(100_000)},1,2,3]]}`),
  fc.constant(`{"input":"${'y'.repeat(1_200_000)}"}`),
  fc
    .string({ unit: 'binary', maxLength: 2000 })
    .map((s) => JSON.stringify({ input: [[s, 1, 2, 3]], [s]: s })),
)

/** Open Inference Protocol bodies with random shapes, types and data. */
const v2Body = fc
  .record({
    id: fc.option(fc.string(), { nil: undefined }),
    inputs: fc.oneof(
      fc.array(
        fc.record({
          name: fc.oneof(fc.constant('input-0'), fc.string()),
          shape: fc.oneof(
            fc.array(fc.integer({ min: -2, max: 6 }), { maxLength: 3 }),
            fc.jsonValue({ maxDepth: 1 }),
          ),
          datatype: fc.constantFrom('FP32', 'FP64', 'INT32', 'BYTES', 'BOOL', 'fp32', 'nonsense'),
          data: fc.oneof(
            fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 24 }),
            fc.array(fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { maxLength: 5 }), {
              maxLength: 5,
            }),
            fc.jsonValue({ maxDepth: 2 }),
          ),
        }),
        { maxLength: 3 },
      ),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    outputs: fc.option(fc.array(fc.record({ name: fc.constantFrom('predict', 'predict_proba', 'x') })), {
      nil: undefined,
    }),
  })
  .map((r) => JSON.stringify(r))

/** Well-formed requests (any Content-Type): these must be answered 200 with the right values. */
const validBody = fc.oneof(
  validRows.map((rows) => JSON.stringify({ input: rows })),
  fc
    .tuple(
      validRows,
      fc.constantFrom('FP32', 'FP64'),
      fc.subarray(['predict', 'predict_proba'], { minLength: 1 }),
    )
    .map(([rows, datatype, names]) =>
      JSON.stringify({
        inputs: [{ name: 'input-0', shape: [rows.length, 4], datatype, data: rows.flat() }],
        outputs: names.map((name) => ({ name })),
      }),
    ),
)

export const randomJson = fc.jsonValue().map((v) => JSON.stringify(v))
const randomBytes = fc.uint8Array({ maxLength: 4096 }).map((a) => Buffer.from(a))

const bodies: [string, fc.Arbitrary<string | Buffer>, number][] = [
  ['valid', validBody, 4],
  ['predict-shaped', predictBody, 8],
  ['json', randomJson, 4],
  ['pollution', pollutionBody, 3],
  ['deep', deepBody, 2],
  ['huge', hugeBody, 1],
  ['bytes', randomBytes, 3],
  ['v2', v2Body, 3],
]

/** One hostile request against one of `urls` (every POST route of the app). */
export function fuzzRequest(urls: readonly string[]): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    ...bodies.map(([kind, body, weight]) => ({
      weight,
      arbitrary: fc
        .record({ url: fc.constantFrom(...urls), contentType, payload: body })
        .map((r) => ({ ...r, kind }) as FuzzRequest),
    })),
  )
}
