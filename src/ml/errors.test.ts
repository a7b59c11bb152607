import { describe, expect, it } from 'vitest'
import {
  EmptyTrainingDataError,
  FeatureCountError,
  InvalidHyperParameterError,
  LengthMismatchError,
  MlError,
  NonFiniteInputError,
  NotFittedError,
  SingleClassError,
} from './errors.js'

describe('ml errors', () => {
  it.each([
    [new FeatureCountError(4, 3, 2), 'FEATURE_COUNT', 'row 2: expected 4 features, got 3'],
    [new NonFiniteInputError(1, 3, Number.NaN), 'NON_FINITE_INPUT', 'row 1, column 3: value NaN'],
    [new NotFittedError(), 'NOT_FITTED', 'not fitted'],
    [new EmptyTrainingDataError(), 'EMPTY_TRAINING_DATA', 'empty training data'],
    [new SingleClassError('setosa'), 'SINGLE_CLASS', '"setosa"'],
    [new LengthMismatchError('y', 3, 2), 'LENGTH_MISMATCH', 'y: expected length 3, got 2'],
    [
      new InvalidHyperParameterError('maxDepth', 0, 'an integer >= 1'),
      'INVALID_HYPERPARAMETER',
      'maxDepth=0',
    ],
  ] as const)('%s has its code, its name and a message saying where', (err, code, text) => {
    expect(err).toBeInstanceOf(MlError)
    expect(err).toBeInstanceOf(Error)
    expect(err.code).toBe(code)
    expect(err.name).toBe(err.constructor.name)
    expect(err.message).toContain(text)
  })

  it('keeps the details as fields', () => {
    const e = new FeatureCountError(4, 3, 2)
    expect([e.expected, e.got, e.row]).toEqual([4, 3, 2])
    const n = new NonFiniteInputError(1, 3, 'x')
    expect([n.row, n.column, n.value]).toEqual([1, 3, 'x'])
  })
})
