import { describe, expect, it } from 'vitest'
import { LengthMismatchError } from './errors.js'
import { accuracy, classificationReport, confusionMatrix } from './metrics.js'

// Hand-computed example: 8 samples, 3 classes, one class never predicted.
const yTrue = ['cat', 'cat', 'cat', 'dog', 'dog', 'emu', 'emu', 'emu']
const yPred = ['cat', 'cat', 'dog', 'dog', 'cat', 'dog', 'dog', 'dog']

describe('metrics', () => {
  it('accuracy is the fraction of matches', () => {
    expect(accuracy(yTrue, yPred)).toBe(3 / 8)
    expect(Number.isNaN(accuracy([], []))).toBe(true)
  })

  it('confusionMatrix counts true (rows) against predicted (columns) over sorted labels', () => {
    expect(confusionMatrix(yTrue, yPred)).toEqual([
      [2, 1, 0],
      [1, 1, 0],
      [0, 3, 0],
    ])
    expect(confusionMatrix(['b', 'a'], ['a', 'a'], ['b', 'a'])).toEqual([
      [0, 1],
      [0, 1],
    ])
  })

  it("classificationReport has scikit-learn's output_dict shape and values (zero_division=0)", () => {
    // cat: tp 2, predicted 3, support 3 -> p 2/3, r 2/3, f1 2/3
    // dog: tp 1, predicted 5, support 2 -> p 1/5, r 1/2, f1 2*(0.1)/(0.7) = 2/7
    // emu: tp 0, predicted 0, support 3 -> p 0 (zero division), r 0, f1 0
    const r = classificationReport(yTrue, yPred)
    expect(Object.keys(r)).toEqual(['cat', 'dog', 'emu', 'accuracy', 'macro avg', 'weighted avg'])
    expect(r.cat).toEqual({ precision: 2 / 3, recall: 2 / 3, 'f1-score': 2 / 3, support: 3 })
    const dog = r.dog as { precision: number; recall: number; 'f1-score': number; support: number }
    expect(dog.precision).toBeCloseTo(0.2, 15)
    expect(dog.recall).toBe(0.5)
    expect(dog['f1-score']).toBeCloseTo(2 / 7, 15)
    expect(r.emu).toEqual({ precision: 0, recall: 0, 'f1-score': 0, support: 3 })
    expect(r.accuracy).toBe(0.375)
    expect(r['macro avg'].precision).toBeCloseTo((2 / 3 + 0.2) / 3, 15)
    expect(r['macro avg'].recall).toBeCloseTo((2 / 3 + 0.5) / 3, 15)
    expect(r['macro avg']['f1-score']).toBeCloseTo((2 / 3 + 2 / 7) / 3, 15)
    expect(r['macro avg'].support).toBe(8)
    expect(r['weighted avg'].precision).toBeCloseTo((3 * (2 / 3) + 2 * 0.2) / 8, 15)
    expect(r['weighted avg'].recall).toBeCloseTo((3 * (2 / 3) + 2 * 0.5) / 8, 15)
    expect(r['weighted avg']['f1-score']).toBeCloseTo((3 * (2 / 3) + 2 * (2 / 7)) / 8, 15)
    expect(r['weighted avg'].support).toBe(8)
  })

  it('includes labels that are only predicted, with support 0', () => {
    const r = classificationReport(['a', 'a'], ['a', 'z'])
    expect(r.z).toEqual({ precision: 0, recall: 0, 'f1-score': 0, support: 0 })
  })

  it('refuses arrays of different lengths', () => {
    expect(() => accuracy(['a'], [])).toThrow(LengthMismatchError)
    expect(() => confusionMatrix(['a'], ['a', 'b'])).toThrow(/expected length 1, got 2/)
  })
})
