import { describe, expect, it } from 'vitest'
import { parseBatch, rowToJson } from './batch-csv.js'

const FEATURES = ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm']

describe('parseBatch', () => {
  it('reads rows without a header, numbering lines as written', () => {
    const parsed = parseBatch('5.1,3.5,1.4,0.2\n\n6.3, 3.3, 6.0, 2.5\n', FEATURES)
    expect(parsed.header).toBeNull()
    expect(parsed.rows.map((r) => [r.line, r.values])).toEqual([
      [1, [5.1, 3.5, 1.4, 0.2]],
      [3, [6.3, 3.3, 6, 2.5]],
    ])
  })

  it('isolates a bad row and says why, keeping the cells as written', () => {
    const parsed = parseBatch('5.1,3.5,1.4,0.2\n5.1,abc,1.4,0.2\n1,2,3\n4,,5,6\n1e400,1,1,1', FEATURES)
    expect(parsed.rows.map((r) => r.problem)).toEqual([
      null,
      'column 2 ("abc") is not a number',
      'has 3 values; expected 4',
      'column 2 is empty',
      'column 1 (1e400) is too large to be a finite number',
    ])
    expect(parsed.rows[1]!.cells).toEqual(['5.1', 'abc', '1.4', '0.2'])
  })

  it('maps header columns by name in any order and keeps the species column as the given label', () => {
    const text = 'Species;Petal.Width;Petal.Length;Sepal.Width;Sepal.Length\nvirginica;2.5;6.0;3.3;6.3\n'
    const parsed = parseBatch(text, FEATURES)
    expect(parsed.header).toHaveLength(5)
    expect(parsed.rows[0]).toMatchObject({ values: [6.3, 3.3, 6, 2.5], given: 'virginica', line: 2 })
  })

  it('reads the training file format (snake_case header with _cm and a species column)', () => {
    const parsed = parseBatch(
      'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species\n5.1,3.5,1.4,0.2,setosa',
      FEATURES,
    )
    expect(parsed.rows[0]).toMatchObject({ values: [5.1, 3.5, 1.4, 0.2], given: 'setosa' })
  })

  it('treats a first line with any number as data, not a header', () => {
    const parsed = parseBatch('5.1,x,1.4,0.2\n', FEATURES)
    expect(parsed.header).toBeNull()
    expect(parsed.rows).toHaveLength(1)
  })

  it('handles tabs, CRLF, quotes and comment lines', () => {
    const parsed = parseBatch('# measured 2024\r\n"5.1"\t3.5\t1.4\t0.2\r\n', FEATURES)
    expect(parsed.rows).toEqual([
      {
        line: 2,
        cells: ['5.1', '3.5', '1.4', '0.2'],
        values: [5.1, 3.5, 1.4, 0.2],
        problem: null,
        given: null,
      },
    ])
  })

  it('returns no rows for blank text', () => {
    expect(parseBatch('  \n\n', FEATURES).rows).toEqual([])
  })
})

describe('rowToJson', () => {
  it('keeps numbers as written, strings as strings and empty cells as null', () => {
    expect(rowToJson(['5.1', 'abc', '', '1e400'])).toBe('[5.1,"abc",null,1e400]')
  })

  it('turns numbers JSON cannot spell (.5, +2, 5.) into JSON numbers', () => {
    expect(JSON.parse(rowToJson(['.5', '+2', '5.', '1']))).toEqual([0.5, 2, 5, 1])
  })

  it('escapes quotes so the body stays valid JSON', () => {
    expect(JSON.parse(rowToJson(['a"b', '1', '2', '3']))).toEqual(['a"b', 1, 2, 3])
  })
})
