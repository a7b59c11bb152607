import { describe, expect, it } from 'vitest'
import { type ApiClient, ApiError, type ProbaReply } from './api.js'
import { parseBatch } from './batch-csv.js'
import { resultsToCsv, runBatch } from './batch-run.js'

const FEATURES = ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm']
const CLASSES = ['setosa', 'versicolor', 'virginica']

/** A stand-in API that answers like ours: petal length < 2.5 -> setosa, else virginica; refuses strings. */
function fakeApi(calls: string[][]): ApiClient {
  const answer = (rows: unknown[][]): ProbaReply => ({
    prediction: rows.map((r) => ((r[2] as number) < 2.5 ? 'setosa' : 'virginica')),
    probabilities: rows.map((r) => ((r[2] as number) < 2.5 ? [1, 0, 0] : [0, 0.1, 0.9])),
  })
  const judge = (rows: unknown[][]) => {
    rows.forEach((row, i) => {
      if (row.length !== 4) throw new ApiError('x', 'http', 422, `input[${i}] must have 4 values`)
      row.forEach((v, j) => {
        if (typeof v !== 'number') throw new ApiError('x', 'http', 415, `input[${i}][${j}] must be a number`)
      })
    })
  }
  return {
    async predictProba(rows: readonly (readonly number[])[]) {
      calls.push(rows.map((r) => JSON.stringify(r)))
      judge(rows as unknown[][])
      return answer(rows as unknown[][])
    },
    async predictProbaJson(rowsJson: readonly string[]) {
      calls.push([...rowsJson])
      const rows = rowsJson.map((r) => JSON.parse(r) as unknown[])
      judge(rows)
      return answer(rows)
    },
  } as unknown as ApiClient
}

describe('runBatch', () => {
  it("predicts good rows together, sends each bad row alone and keeps the API's message", async () => {
    const calls: string[][] = []
    const batch = parseBatch('5.1,3.5,1.4,0.2\n5.1,abc,1.4,0.2\n6.3,3.3,6.0,2.5\n1,2,3', FEATURES)
    const results = await runBatch(fakeApi(calls), batch)
    expect(calls).toEqual([['[5.1,3.5,1.4,0.2]', '[6.3,3.3,6,2.5]'], ['[5.1,"abc",1.4,0.2]'], ['[1,2,3]']])
    expect(results.map((r) => r.prediction)).toEqual(['setosa', null, 'virginica', null])
    expect(results[1]!.error).toBe(
      'column 2 ("abc") is not a number — API (HTTP 415): input[0][1] must be a number',
    )
    expect(results[3]!.error).toBe('has 3 values; expected 4 — API (HTTP 422): input[0] must have 4 values')
  })

  it('splits good rows into chunks', async () => {
    const calls: string[][] = []
    const text = Array.from({ length: 5 }, () => '5,3,1.4,0.2').join('\n')
    await runBatch(fakeApi(calls), parseBatch(text, FEATURES), { chunkSize: 2 })
    expect(calls.map((c) => c.length)).toEqual([2, 2, 1])
  })

  it('stops sending bad rows after the cap and says so', async () => {
    const calls: string[][] = []
    const results = await runBatch(fakeApi(calls), parseBatch('a,1,1,1\nb,1,1,1\nc,1,1,1', FEATURES), {
      maxBadRowsSent: 2,
    })
    expect(calls).toHaveLength(2)
    expect(results[2]!.error).toBe('column 1 ("c") is not a number (not sent: more than 2 unreadable rows)')
  })

  it('lets a network failure end the run instead of blaming each row', async () => {
    const api = {
      predictProba: async () => {
        throw new ApiError('Cannot reach the prediction API', 'unreachable')
      },
    } as unknown as ApiClient
    await expect(runBatch(api, parseBatch('1,2,3,4', FEATURES))).rejects.toMatchObject({
      kind: 'unreachable',
    })
  })
})

describe('resultsToCsv', () => {
  it('writes one line per input row with probabilities or the error, quoting as needed', async () => {
    const batch = parseBatch(
      'species,sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm\nsetosa,5.1,3.5,1.4,0.2\nx,5.1,"a,b",1.4,0.2',
      FEATURES,
    )
    const results = await runBatch(fakeApi([]), batch)
    const csv = resultsToCsv(results, FEATURES, CLASSES)
    const lines = csv.trimEnd().split('\n')
    expect(lines[0]).toBe(
      'line,sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,given,prediction,p_setosa,p_versicolor,p_virginica,error',
    )
    expect(lines[1]).toBe('2,5.1,3.5,1.4,0.2,setosa,setosa,1,0,0,')
    expect(lines).toHaveLength(3)
    expect(lines[2]).toContain('API (HTTP')
  })
})
