import { describe, expect, it } from 'vitest'
import { buildInputs } from './inputs.js'
import { nearestPoint, scatterCaption } from './scatter-caption.js'
import type { Wording } from './wording.js'

const IRIS = ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm']
const flowerWords = { yoursCapital: 'Your flower', thing: 'flower' } as Wording
const rowWords = { yoursCapital: 'Your input', thing: 'row' } as Wording

describe('scatter caption', () => {
  it('names the nearest Iris flower and its distance in cm', () => {
    const points = [
      { values: [5, 3.4, 1.5, 0.2], label: 'setosa' },
      { values: [5.7, 2.8, 4.1, 1.3], label: 'versicolor' },
    ]
    expect(scatterCaption(buildInputs(IRIS, null), points, [5.7, 2.9, 4.2, 1.3], [2, 3], flowerWords)).toBe(
      'Your flower: petal length 4.2 cm, petal width 1.3 cm. The nearest training flower on these two ' +
        'measurements is a versicolor (0.1 cm away).',
    )
  })

  it('measures features without a shared unit in their own spans', () => {
    // Raw distance would pick b (proline differs by 5, alcohol by 2.9); per span a is nearer on both.
    const points = [
      { values: [13, 600], label: 'a' },
      { values: [10.1, 605], label: 'b' },
      { values: [14, 1600], label: 'c' },
    ]
    const inputs = buildInputs(['alcohol', 'proline'], null)
    expect(scatterCaption(inputs, points, [13, 610], [0, 1], rowWords)).toBe(
      'Your input: alcohol 13, proline 610. The nearest training row on these two features is a a.',
    )
    expect(nearestPoint(points, [13, 610], [0, 1])?.point.label).toBe('b')
  })

  it('says when there are no training rows to compare with', () => {
    expect(scatterCaption(buildInputs(['x', 'y'], null), [], [1, 2], [0, 1], rowWords)).toBe(
      'Your input: x 1, y 2. No training rows came with this model to compare it with.',
    )
  })
})
