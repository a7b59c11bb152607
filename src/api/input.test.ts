/**
 * The hand-written input check against the contract and against the TypeBox schema that documents it:
 * whatever the schema accepts (with rows of the right length and finite numbers) the loop accepts and copies
 * exactly; whatever the loop accepts the schema accepts; nothing ever throws anything but InputError.
 */
import fc from 'fast-check'
import Value from 'typebox/value'
import { describe, expect, it } from 'vitest'
import { PredictBody } from './contracts/predict.js'
import { InputError } from './errors.js'
import { parsePredictInput } from './input.js'

function fault(body: unknown, nF = 4, maxRows = 100): { status: number; message: string } {
  try {
    parsePredictInput(body, nF, maxRows)
  } catch (e) {
    expect(e).toBeInstanceOf(InputError)
    return { status: (e as InputError).statusCode, message: (e as Error).message }
  }
  throw new Error('expected a fault')
}

describe('parsePredictInput', () => {
  it('copies rows row-major into one Float64Array', () => {
    const { rows, nRows } = parsePredictInput(
      {
        input: [
          [1, 2, 3, 4],
          [5, 6, 7, 8.5],
        ],
      },
      4,
      10,
    )
    expect(nRows).toBe(2)
    expect(Array.from(rows)).toEqual([1, 2, 3, 4, 5, 6, 7, 8.5])
  })

  it('maps each fault to its status', () => {
    expect(fault([])).toMatchObject({ status: 400 })
    expect(fault({})).toMatchObject({ status: 422 })
    expect(fault({ input: 'x' })).toMatchObject({ status: 400 })
    expect(fault({ input: [] })).toMatchObject({ status: 422 })
    expect(fault({ input: Array(101).fill([1, 2, 3, 4]) })).toMatchObject({ status: 413 })
    expect(fault({ input: [1] })).toMatchObject({
      status: 400,
      message: 'input[0] must be a list of 4 numbers, got number',
    })
    expect(fault({ input: [[1, 2]] })).toMatchObject({ status: 422 })
    expect(fault({ input: [[1, 2, '3', 4]] })).toMatchObject({
      status: 415,
      message: 'input[0][2] must be a number, got string',
    })
    expect(fault({ input: [[1, 2, Number.NaN, 4]] })).toMatchObject({
      status: 422,
      message: 'input[0][2] must be a finite number, got NaN',
    })
    expect(fault({ input: [[1, 2, 3, Infinity]] })).toMatchObject({ status: 422 })
  })

  it('agrees with the documenting schema on valid bodies and copies them exactly', () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true })
    fc.assert(
      fc.property(
        fc.array(fc.array(finite, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 20 }),
        (input) => {
          expect(Value.Check(PredictBody, { input })).toBe(true)
          const { rows, nRows } = parsePredictInput({ input }, 3, 20)
          expect(nRows).toBe(input.length)
          expect(Array.from(rows)).toEqual(input.flat())
        },
      ),
    )
  })

  it('never throws anything but InputError, and never accepts what the schema refuses', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record({ input: fc.jsonValue() }),
          fc.record({ input: fc.array(fc.array(fc.jsonValue(), { maxLength: 5 }), { maxLength: 5 }) }),
        ),
        (body) => {
          let accepted = false
          try {
            parsePredictInput(body, 2, 3)
            accepted = true
          } catch (e) {
            expect(e).toBeInstanceOf(InputError)
            expect([400, 413, 415, 422]).toContain((e as InputError).statusCode)
          }
          if (accepted) expect(Value.Check(PredictBody, body)).toBe(true)
        },
      ),
      { numRuns: 2000 },
    )
  })
})
