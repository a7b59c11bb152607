import { describe, expect, it } from 'vitest'
import { buildInputs, isIrisModel, roundTo } from './inputs.js'
import type { SummaryInfo } from './summary-info.js'

const IRIS = ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm']

function summary(basis: SummaryInfo['basis'], features: SummaryInfo['features']): SummaryInfo {
  return { basis, rows: basis === 'training-data' ? 178 : null, features, classes: [] }
}

describe('inputs from the served model', () => {
  it("gives Iris the seed's sliders whatever its summary says", () => {
    const inputs = buildInputs(
      IRIS,
      summary(
        'training-data',
        IRIS.map((name) => ({ name, min: 1, max: 2, mean: 1.5, median: 1.5, decimals: 1 })),
      ),
    )
    expect(isIrisModel(IRIS)).toBe(true)
    expect(inputs.map((i) => [i.label, i.min, i.max, i.step, i.initial, i.hint])).toEqual([
      ['Sepal length (cm)', 0, 10, 0.1, 5.1, null],
      ['Sepal width (cm)', 0, 10, 0.1, 3.5, null],
      ['Petal length (cm)', 0, 10, 0.1, 1.4, null],
      ['Petal width (cm)', 0, 10, 0.1, 0.2, null],
    ])
    expect(isIrisModel([...IRIS].reverse())).toBe(false)
  })

  it('ranges any other model from its training data: widened a tenth, stepped by its decimals, at the median', () => {
    const [alcohol, proline, delta] = buildInputs(
      ['alcohol', 'proline', 'delta'],
      summary('training-data', [
        { name: 'alcohol', min: 11.03, max: 14.83, mean: 13.0006, median: 13.05, decimals: 2 },
        { name: 'proline', min: 278, max: 1680, mean: 746.89, median: 673.5, decimals: 0 },
        { name: 'delta', min: -2, max: 3, mean: 0.4, median: 0.5, decimals: 1 },
      ]),
    )
    expect(alcohol).toMatchObject({ label: 'Alcohol', min: 10.65, max: 15.21, step: 0.01, initial: 13.05 })
    expect(alcohol!.hint).toBe('Training data: 11.03 to 14.83, median 13.05.')
    expect(proline).toMatchObject({ min: 137, max: 1821, step: 1, initial: 674 })
    expect(delta).toMatchObject({ min: -2.5, max: 3.5, step: 0.1, initial: 0.5 })
  })

  it('never goes below 0 for a feature that never was negative', () => {
    const [x] = buildInputs(
      ['x'],
      summary('training-data', [{ name: 'x', min: 0.1, max: 10, mean: 5, median: 5, decimals: 1 }]),
    )
    expect(x!.min).toBe(0)
  })

  it('ranges an imported model from its split thresholds, widened a quarter, starting in the middle', () => {
    const [a, unused] = buildInputs(
      ['a', 'unused'],
      summary('split-thresholds', [
        { name: 'a', min: 2, max: 6, mean: null, median: null, decimals: 2 },
        { name: 'unused', min: null, max: null, mean: null, median: null, decimals: 2 },
      ]),
    )
    expect(a).toMatchObject({ min: 1, max: 7, initial: 4 })
    const [small] = buildInputs(
      ['small'],
      summary('split-thresholds', [
        { name: 'small', min: 0.5, max: 4.4, mean: null, median: null, decimals: 2 },
      ]),
    )
    expect(small!.min).toBe(0)
    expect(a!.hint).toBe('The trees split between 2 and 6.')
    expect(unused!.hint).toMatch(/No tree splits on it/)
  })

  it('says when nothing is known about a feature', () => {
    expect(buildInputs(['a'], null)[0]!.hint).toBe('No range is known for it.')
  })

  it('rounds to a step without float noise', () => {
    expect(roundTo(0.1 * 3, 0.1)).toBe(0.3)
    expect(roundTo(1064.6, 1)).toBe(1065)
    expect(roundTo(13.049999, 0.01)).toBe(13.05)
  })
})
