import { describe, expect, it } from 'vitest'
import { faultText, readErrorRecord, readLayout } from './batch-answer.js'

describe('readLayout', () => {
  it('finds the prediction, the classes of the probability columns and the species column', () => {
    const header = ['sepal_length_cm', 'species', 'prediction', 'proba_setosa', 'proba_versicolor']
    expect(readLayout(header, [])).toEqual({
      header,
      inputColumns: 2,
      labelIndex: 1,
      classes: ['setosa', 'versicolor'],
    })
  })

  it("finds the model's own label column by name and looks for it among the input columns only", () => {
    const header = ['alcohol', 'Cultivar', 'prediction', 'proba_barolo']
    expect(readLayout(header, ['cultivar'])?.labelIndex).toBe(1)
    expect(readLayout(header, [])?.labelIndex).toBe(-1)
  })

  it('takes the last "prediction" column, so an input column of that name stays an input', () => {
    const layout = readLayout(['prediction', 'x', 'prediction', 'proba_a'], [])
    expect(layout).toMatchObject({ inputColumns: 2, classes: ['a'] })
  })

  it('refuses a header that is not a prediction answer', () => {
    expect(readLayout(['a', 'b'], [])).toBeNull()
    expect(readLayout(['a', 'prediction', 'b'], [])).toBeNull()
  })
})

describe('readErrorRecord', () => {
  it('reads line, column, rows answered and the message', () => {
    expect(readErrorRecord(['#error', '12', '3', '10', 'non-numeric value "oops"'])).toEqual({
      line: 12,
      column: 3,
      rows: 10,
      message: 'non-numeric value "oops"',
    })
  })

  it('reads an empty column as "the whole line"', () => {
    expect(readErrorRecord(['#error', '7', '', '5', 'expected 5 fields, got 3'])).toMatchObject({
      line: 7,
      column: null,
    })
  })

  it('is null for data rows, even one whose first cell says #error', () => {
    expect(readErrorRecord(['5.1', '3.5', '1.4', '0.2', 'setosa'])).toBeNull()
    expect(readErrorRecord(['#error', 'x', '1', 'setosa', '1'])).toBeNull()
    expect(readErrorRecord(['#error', '1', '2'])).toBeNull()
  })
})

describe('faultText', () => {
  it("names line and column as the API's 400 answers do", () => {
    expect(faultText({ line: 12, column: 3, message: 'bad' })).toBe('line 12, column 3: bad')
    expect(faultText({ line: 12, column: null, message: 'bad' })).toBe('line 12: bad')
    expect(faultText({ line: null, column: null, message: 'bad' })).toBe('bad')
  })
})
