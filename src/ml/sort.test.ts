import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sortByValue } from './sort.js'

describe('sortByValue', () => {
  it('sorts a range of values and carries the samples along', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 200 }),
        fc.nat(3),
        fc.nat(3),
        (values, before, after) => {
          const xf = Float64Array.from([
            ...new Array(before).fill(99),
            ...values,
            ...new Array(after).fill(-99),
          ])
          const samples = Int32Array.from(xf, (_, i) => i)
          const original = Float64Array.from(xf)
          sortByValue(xf, samples, before, before + values.length)
          const sorted = [...values].sort((a, b) => a - b)
          expect(Array.from(xf.subarray(before, before + values.length))).toEqual(sorted)
          for (let i = 0; i < xf.length; i++) expect(xf[i]).toBe(original[samples[i]!])
          expect(Array.from(xf.subarray(0, before))).toEqual(new Array(before).fill(99))
        },
      ),
    )
  })
})
