import { describe, expect, it } from 'vitest'
import { endText } from './batch-words.js'

describe('endText', () => {
  it('says how many rows a finished file had', () => {
    expect(endText({ kind: 'done' }, 'big.csv', 30_000)).toBe('30,000 rows predicted, all of big.csv.')
    expect(endText({ kind: 'done' }, 'one.csv', 1)).toBe('1 row predicted, all of one.csv.')
  })

  it("names the bad line's place in the file and the partial download", () => {
    const fault = { line: 15_002, column: 4, rows: 15_000, message: 'non-numeric value "oops"' }
    expect(endText({ kind: 'stopped', fault }, 'bad.csv', 15_000)).toBe(
      'The API stopped at a bad line of bad.csv: line 15002, column 4: non-numeric value "oops". ' +
        'The 15,000 rows answered before it are in the partial download.',
    )
  })

  it('gives the status and message of a refusal, and mentions no download when nothing was answered', () => {
    const end = { kind: 'refused', status: 400, message: 'line 2, column 3: bad' } as const
    expect(endText(end, 'a.csv', 0)).toBe('The API refused a.csv (HTTP 400): line 2, column 3: bad')
    expect(endText({ ...end, status: 429, message: 'slow down' }, 'a.csv', 10)).toBe(
      'The API refused a.csv (HTTP 429): slow down. The 10 rows answered before it are in the partial download.',
    )
  })

  it('gives a denial (no key, or a key without the scope) in its own words', () => {
    const message = 'This server needs an API key for POST /predict-proba (HTTP 401): type it in.'
    expect(endText({ kind: 'denied', status: 401, message }, 'a.csv', 0)).toBe(message)
  })

  it('says a cancel or a broken connection kept what had come', () => {
    expect(endText({ kind: 'cancelled' }, 'a.csv', 2500)).toBe(
      'Cancelled after 2,500 rows. The 2,500 rows answered before it are in the partial download.',
    )
    expect(
      endText({ kind: 'broken', message: 'The connection to the API broke after 7 rows.' }, 'a.csv', 7),
    ).toBe(
      'The connection to the API broke after 7 rows. The 7 rows answered before it are in the partial download.',
    )
  })
})
