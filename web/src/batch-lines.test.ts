import { describe, expect, it } from 'vitest'
import { createRecordSplitter, splitCells } from './batch-lines.js'

/** The records of `text` pushed in the given pieces, then the unfinished rest. */
function split(pieces: readonly string[]): { records: string[]; rest: string } {
  const splitter = createRecordSplitter()
  const records = pieces.flatMap((p) => splitter.push(p))
  return { records, rest: splitter.rest() }
}

/** Every way of cutting `text` into two or three pieces. */
function* cuts(text: string): Generator<string[]> {
  for (let i = 0; i <= text.length; i++) {
    yield [text.slice(0, i), text.slice(i)]
    for (let j = i; j <= text.length; j += 3) yield [text.slice(0, i), text.slice(i, j), text.slice(j)]
  }
}

const ANSWER = [
  'id,sepal_length_cm,note,prediction,proba_a,proba_b\r\n',
  '1,5.1,"a, b",a,1,0\r\n',
  '2,5.2,"line one\r\nline two",b,0,1\n',
  '\n',
  '3,5.3,"say ""hi""",a,0.75,0.25\r',
  '4,5.4,5",b,0,1\n',
  '#error,12,3,4,"non-numeric value ""oops"" in ""petal_length_cm"""\n',
].join('')

const RECORDS = [
  'id,sepal_length_cm,note,prediction,proba_a,proba_b',
  '1,5.1,"a, b",a,1,0',
  '2,5.2,"line one\r\nline two",b,0,1',
  '3,5.3,"say ""hi""",a,0.75,0.25',
  '4,5.4,5",b,0,1',
  '#error,12,3,4,"non-numeric value ""oops"" in ""petal_length_cm"""',
]

describe('createRecordSplitter', () => {
  it('splits on LF, CRLF and CR, skips blank lines, and keeps line ends inside quotes', () => {
    expect(split([ANSWER])).toEqual({ records: RECORDS, rest: '' })
  })

  it('gives the same records wherever the chunks are cut (mid-quote, mid-CRLF, between the quotes of "")', () => {
    for (const pieces of cuts(ANSWER)) {
      expect(split(pieces).records, JSON.stringify(pieces.map((p) => p.length))).toEqual(RECORDS)
    }
  })

  it('reads a quote inside an unquoted cell as a character, as the server does', () => {
    // If `5"` opened a quote, the next line would be swallowed into this record.
    expect(split(['4,5"\n5,6\n']).records).toEqual(['4,5"', '5,6'])
  })

  it('opens a quote after leading spaces of a cell', () => {
    expect(split(['1, "a\nb",2\n']).records).toEqual(['1, "a\nb",2'])
  })

  it('holds an unfinished record (no line end yet, or an open quote) as the rest', () => {
    expect(split(['1,2\n3,4'])).toEqual({ records: ['1,2'], rest: '3,4' })
    expect(split(['1,"2\n3,4\n'])).toEqual({ records: [], rest: '1,"2\n3,4\n' })
  })

  it('does not take an LF after a CR that ended the previous chunk as a blank record or as data', () => {
    expect(split(['1,2\r', '\n3,4\r', '5,6\n'])).toEqual({ records: ['1,2', '3,4', '5,6'], rest: '' })
  })
})

describe('splitCells', () => {
  it('unquotes quoted cells, reads "" as one quote and trims unquoted cells', () => {
    expect(splitCells(' 1 ,"a, b", "say ""hi""" ,5"').cells).toEqual(['1', 'a, b', 'say "hi"', '5"'])
  })

  it('keeps line ends inside a quoted cell', () => {
    expect(splitCells('2,"line one\r\nline two",b').cells).toEqual(['2', 'line one\r\nline two', 'b'])
  })

  it('says where each cell starts, so the input part of an answer record can be measured', () => {
    const record = '1,"a, b",setosa,1'
    const { starts } = splitCells(record)
    expect(starts).toEqual([0, 2, 9, 16])
    expect(record.slice(0, starts[2]! - 1)).toBe('1,"a, b"')
  })

  it("reads the server's error record", () => {
    expect(splitCells(RECORDS.at(-1)!).cells).toEqual([
      '#error',
      '12',
      '3',
      '4',
      'non-numeric value "oops" in "petal_length_cm"',
    ])
  })

  it('gives one empty cell for an empty record and empty cells between commas', () => {
    expect(splitCells('').cells).toEqual([''])
    expect(splitCells('a,,').cells).toEqual(['a', '', ''])
  })
})

describe('createRecordSplitter line numbers', () => {
  it('gives the line each record starts on, counting blank lines, CRLF once and line ends inside quotes', () => {
    for (const pieces of cuts(ANSWER)) {
      const splitter = createRecordSplitter()
      const lines: number[] = []
      for (const piece of pieces) splitter.push(piece, lines)
      expect(lines, JSON.stringify(pieces.map((p) => p.length))).toEqual([1, 2, 3, 6, 7, 8])
    }
  })

  it('says where the unfinished rest starts', () => {
    const splitter = createRecordSplitter()
    splitter.push('a\r\n\r\nb,"c\nd')
    expect([splitter.rest(), splitter.restLine()]).toEqual(['b,"c\nd', 3])
  })
})
