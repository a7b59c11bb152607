import { describe, expect, it } from 'vitest'
import { type Body, bodyText, fileLine, readBodies, readFault } from './batch-body.js'

async function all(file: Blob, maxBytes: number): Promise<Body[]> {
  const out: Body[] = []
  for await (const body of readBodies(file, maxBytes)) out.push(body)
  return out
}

describe('readBodies', () => {
  it('cuts the file into bodies of whole records under the size, with the line each record starts on', async () => {
    const text = 'a,b\r\n1,2\r\n\r\n3,"x\ny"\n4,5\n6,7'
    const bodies = await all(new Blob([text]), 10)
    expect(bodies.map((b) => [b.records, b.lines])).toEqual([
      [
        ['a,b', '1,2'],
        [1, 2],
      ],
      [['3,"x\ny"'], [4]],
      [
        ['4,5', '6,7'],
        [6, 7],
      ],
    ])
    expect(bodies.map((b) => b.bytes)).toEqual([8, 8, 8])
    for (const body of bodies) expect(body.bytes).toBeLessThanOrEqual(10)
  })

  it('sends a record longer than the size alone, counts UTF-8 bytes and skips a BOM', async () => {
    const bodies = await all(new Blob(['\ufeffé,1\nlong-record,1\n2,2\n']), 6)
    expect(bodies.map((b) => b.records)).toEqual([['é,1'], ['long-record,1'], ['2,2']])
    expect(bodies[0]!.bytes).toBe(5)
  })

  it('gives nothing for an empty or blank file', async () => {
    expect(await all(new Blob(['\n \n']), 100)).toEqual([])
  })
})

describe('bodyText and fileLine', () => {
  const body: Body = { records: ['1,2', '3,"x\r\ny"', '4,5'], lines: [10, 12, 15], bytes: 0 }

  it('puts the header first and ends every record', () => {
    expect(bodyText('a,b', body)).toBe('a,b\n1,2\n3,"x\r\ny"\n4,5\n')
    expect(bodyText(null, body)).toBe('1,2\n3,"x\r\ny"\n4,5\n')
  })

  it("maps the server's line in the body back to the file's, across a header and line ends in quotes", () => {
    // With the header: body line 2 is record 1 (file line 10), 3-4 record 2 (12-13), 5 record 3 (15).
    expect([2, 3, 4, 5].map((l) => fileLine(body, true, l))).toEqual([10, 12, 13, 15])
    expect([1, 2, 3, 4].map((l) => fileLine(body, false, l))).toEqual([10, 12, 13, 15])
  })
})

describe('readFault', () => {
  it("reads the position of the API's message", () => {
    expect(readFault('line 2, column 3: non-numeric value "x"')).toEqual({
      line: 2,
      column: 3,
      message: 'non-numeric value "x"',
    })
    expect(readFault('line 7: expected 5 fields')).toEqual({
      line: 7,
      column: null,
      message: 'expected 5 fields',
    })
    expect(readFault('too many requests')).toEqual({ line: null, column: null, message: 'too many requests' })
  })
})
