import { describe, expect, it } from 'vitest'
import { CsvError } from './errors.js'
import { formatRowFault, parseFeatureRows } from './rows.js'

const features = ['a', 'b']

describe('parseFeatureRows', () => {
  it('reads rows without a header positionally', () => {
    const r = parseFeatureRows('1,2\n3.5,4\n', features)
    expect(r.hasHeader).toBe(false)
    expect(r.columns).toEqual(['a', 'b'])
    expect(r.nRows).toBe(2)
    expect([...r.rows]).toEqual([1, 2, 3.5, 4])
    expect(r.lines).toEqual([1, 2])
  })

  it('detects a header and picks feature columns by name, keeping the others', () => {
    const r = parseFeatureRows('id,b,a,species\nr1,2,1,x\nr2,4,3,y\n', features)
    expect(r.hasHeader).toBe(true)
    expect(r.columns).toEqual(['id', 'b', 'a', 'species'])
    expect([...r.rows]).toEqual([1, 2, 3, 4])
    expect(r.cells[1]).toEqual(['r2', '4', '3', 'y'])
    expect(r.lines).toEqual([2, 3])
  })

  it('accepts a header with other names when it has exactly the feature count', () => {
    const r = parseFeatureRows('x1,x2\n1,2\n', features)
    expect(r.hasHeader).toBe(true)
    expect([...r.rows]).toEqual([1, 2])
  })

  it('collects every bad row with its line and column and keeps the good ones', () => {
    const r = parseFeatureRows('a,b\n1,2\n3\nx,4\n5,\n6,inf\n7,8\n', features, 'rows.csv')
    expect(r.nRows).toBe(2)
    expect([...r.rows]).toEqual([1, 2, 7, 8])
    expect(r.faults.map((f) => formatRowFault('rows.csv', f))).toEqual([
      'rows.csv:3: expected 2 cells, got 1',
      'rows.csv:4 (column 1 "a"): non-numeric value "x"',
      'rows.csv:5 (column 2 "b"): missing value',
      'rows.csv:6 (column 2 "b"): non-finite value "inf"',
    ])
  })

  it('refuses empty input, a header alone, and a header lacking features', () => {
    expect(() => parseFeatureRows('', features)).toThrow(CsvError)
    expect(() => parseFeatureRows('a,b\n', features, 'r.csv')).toThrow(
      'r.csv:1: no data rows after the header',
    )
    expect(() => parseFeatureRows('a,c,d\n1,2,3\n', features, 'r.csv')).toThrow(
      'r.csv:1: header lacks feature column(s) "b" and does not have exactly 2 columns',
    )
  })
})
