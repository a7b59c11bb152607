import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CsvRecordStream, MAX_RECORD_CHARS } from './csv-stream.js'
import { tokenizeCsv } from './csv-tokenize.js'

/** Feeds text in the given piece sizes; the records (without raw) or the error message. */
function streamed(text: string, cuts: number[]): { line: number; cells: string[] }[] | string {
  const s = new CsvRecordStream('<input>')
  const out: { line: number; cells: string[] }[] = []
  try {
    let pos = 0
    for (const n of cuts) {
      for (const r of s.push(text.slice(pos, pos + n))) out.push({ line: r.line, cells: r.cells })
      pos += n
    }
    for (const r of s.push(text.slice(pos))) out.push({ line: r.line, cells: r.cells })
    for (const r of s.end()) out.push({ line: r.line, cells: r.cells })
    return out
  } catch (e) {
    return (e as Error).message
  }
}

function whole(text: string): { line: number; cells: string[] }[] | string {
  try {
    return tokenizeCsv(text, '<input>')
  } catch (e) {
    return (e as Error).message
  }
}

describe('CsvRecordStream', () => {
  it('gives tokenizeCsv’s records, cells and line numbers however the text is cut', () => {
    const alphabet = fc.constantFrom(
      'a',
      '1',
      '.',
      ',',
      ',',
      '"',
      '"',
      ' ',
      '\t',
      '\n',
      '\n',
      '\r',
      '\r\n',
      'é',
      '\uFEFF',
    )
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 60 }).map((a) => a.join('')),
        fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 20 }),
        fc.boolean(),
        (text, cuts, bom) => {
          const t = bom ? `\uFEFF${text}` : text
          expect(streamed(t, cuts)).toEqual(whole(t))
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('echoes each record’s text as received, without its line end', () => {
    const s = new CsvRecordStream('<input>')
    const records = [...s.push('a, b\r\n"x\ny",2\n'), ...s.push('3,4'), ...s.end()]
    expect(records.map((r) => r.raw)).toEqual(['a, b', '"x\ny",2', '3,4'])
    expect(records.map((r) => r.line)).toEqual([1, 2, 4])
  })

  it('refuses a record longer than MAX_RECORD_CHARS (an unclosed quote) instead of holding it', () => {
    const s = new CsvRecordStream('body')
    s.push('1,2\n"open')
    const long = 'x'.repeat(1 << 16)
    expect(() => {
      for (let i = 0; i <= MAX_RECORD_CHARS >> 16; i++) s.push(`${long}\n`)
    }).toThrow(/^body:2: a record longer than/)
  })
})
