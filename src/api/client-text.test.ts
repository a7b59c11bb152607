import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CLIENT_TEXT_MAX, clipText, describeValue, quoteString, quoteValue } from './client-text.js'

describe('client text in errors and logs', () => {
  it('clips strings to 100 characters and marks the cut', () => {
    expect(clipText('short')).toBe('short')
    expect(clipText('x'.repeat(101))).toBe(`${'x'.repeat(100)}...`)
    expect(quoteString('a"b')).toBe('"a\\"b"')
    expect(quoteString('y'.repeat(5000))).toBe(`"${'y'.repeat(100)}..."`)
  })

  it('describes lists one level deep, however deep they nest', () => {
    let deep: unknown = []
    for (let i = 0; i < 100_000; i++) deep = [deep]
    expect(quoteValue(deep)).toBe('[[...]]')
    expect(quoteValue([2, 4, 1])).toBe('[2,4,1]')
    expect(quoteValue([1, 'a', null, true, { k: 1 }, []])).toBe('[1,"a",null,true,{...},[]]')
    expect(quoteValue({ a: 1 })).toBe('{...}')
    expect(quoteValue(Array.from({ length: 1000 }, (_, i) => i))).toMatch(
      /^\[0,1,2,.*,\.\.\.\] \(1000 items\)$/,
    )
  })

  it('never exceeds ~130 characters for any JSON value, and never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        expect(quoteValue(value).length).toBeLessThanOrEqual(CLIENT_TEXT_MAX + 30)
        expect(describeValue(value).length).toBeLessThanOrEqual(40)
      }),
    )
  })
})
