import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseLabelledCsv } from './csv.js'
import { CsvError } from './errors.js'

describe('a labelled CSV without a header row', () => {
  it('is refused, saying its first row was taken as the header', () => {
    const iris = readFileSync('data/iris.csv', 'utf8')
    const headerless = iris.slice(iris.indexOf('\n') + 1)
    let err: unknown
    try {
      parseLabelledCsv(headerless, { source: 'iris-no-header.csv' })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(CsvError)
    expect((err as CsvError).code).toBe('NO_HEADER')
    expect((err as Error).message).toBe(
      'iris-no-header.csv:1: the first row (5.1,3.5,1.4,0.2,setosa) was taken as the header, but its feature names are numbers: add a header row naming the columns, e.g. feature_1,feature_2,feature_3,feature_4,label',
    )
  })

  it('still reads files whose header names some columns with digits', () => {
    const data = parseLabelledCsv('x1,2b,label\n1,2,a\n3,4,b\n')
    expect(data.featureNames).toEqual(['x1', '2b'])
  })
})
