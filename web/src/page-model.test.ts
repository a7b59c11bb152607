import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseTrainingCsv } from './iris-data.js'
import { readModelInfo } from './model-info.js'
import { buildPageModel, defaultAxes } from './page-model.js'
import { readSummary } from './summary-info.js'

const iris = parseTrainingCsv(readFileSync(new URL('../../data/iris.csv', import.meta.url), 'utf8'))
const IRIS = ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm']
const WINE = ['alcohol', 'flavanoids', 'proline']
const CLASSES = ['barbera', 'barolo', 'grignolino']

function wineModel(summary: unknown) {
  return readModelInfo({
    name: 'wine_model',
    feature_names: WINE,
    target_names: CLASSES,
    feature_importance: { alcohol: 0.2, flavanoids: 0.3, proline: 0.5 },
    training: { target: 'cultivar' },
    training_summary: summary,
  })
}

const wineSummary = {
  basis: 'training-data',
  rows: 6,
  features: WINE.map((name, i) => ({ name, min: i, max: i + 10, mean: i + 5, median: i + 5, decimals: 2 })),
  classes: CLASSES.map((name, c) => ({
    name,
    count: 2,
    typical: [c, c + 1, c + 2],
    examples: [
      [c, c + 1, c + 2],
      [c + 0.5, c + 1.5, c + 2.5],
    ],
  })),
}

describe('the page model built from GET /model', () => {
  it('takes inputs, examples, points and axes from the training summary', () => {
    const page = buildPageModel(wineModel(wineSummary), iris)
    expect(page.iris).toBe(false)
    expect(page.name).toBe('wine_model')
    expect(page.target).toBe('cultivar')
    expect(page.inputs.map((i) => i.label)).toEqual(['Alcohol', 'Flavanoids', 'Proline'])
    expect(page.examples).toEqual(CLASSES.map((name, c) => ({ name, values: [c, c + 1, c + 2] })))
    expect(page.points).toHaveLength(6)
    expect(page.points[2]).toEqual({ values: [1, 2, 3], label: 'barolo' })
    expect(page.rows).toBe(6)
    expect(page.axes).toEqual([1, 2]) // flavanoids x proline: the two most important, in feature order
    expect(page.basis).toBe('training-data')
  })

  it('falls back to the bundled Iris data for an Iris model without a summary', () => {
    const page = buildPageModel(readModelInfo({ feature_names: IRIS, target_names: iris.species }), iris)
    expect(page.iris).toBe(true)
    expect(page.basis).toBe('bundled-iris')
    expect(page.points).toHaveLength(150)
    expect(page.examples.map((e) => e.name)).toEqual(['setosa', 'versicolor', 'virginica'])
    expect(page.inputs.map((i) => i.initial)).toEqual([5.1, 3.5, 1.4, 0.2])
  })

  it('has no examples or points for a model that came without its data', () => {
    const splits = {
      ...wineSummary,
      basis: 'split-thresholds',
      rows: null,
      classes: CLASSES.map((name) => ({ name, count: null, typical: [], examples: [] })),
    }
    const page = buildPageModel(wineModel(splits), iris)
    expect(page.basis).toBe('split-thresholds')
    expect(page.examples).toEqual([])
    expect(page.points).toEqual([])
    expect(buildPageModel(wineModel(undefined), iris).basis).toBe('none')
  })

  it('drops a summary that does not match the model rather than drawing from it', () => {
    expect(readSummary(wineSummary, WINE, CLASSES)).not.toBeNull()
    expect(readSummary({ ...wineSummary, basis: 'guess' }, WINE, CLASSES)).toBeNull()
    expect(readSummary(wineSummary, ['alcohol', 'proline', 'flavanoids'], CLASSES)).toBeNull()
    expect(readSummary(wineSummary, WINE, ['barolo', 'barbera', 'grignolino'])).toBeNull()
    const badRow = structuredClone(wineSummary)
    badRow.classes[0]!.examples.push([1, 2])
    expect(readSummary(badRow, WINE, CLASSES)?.classes[0]?.examples).toHaveLength(2)
  })

  it('picks the two most important features for the plot, in feature order', () => {
    const imp = (entries: [string, number][]) => entries.map(([name, value]) => ({ name, value }))
    expect(
      defaultAxes(
        IRIS,
        imp([
          ['petal_width_cm', 0.49],
          ['petal_length_cm', 0.38],
          ['sepal_length_cm', 0.1],
        ]),
      ),
    ).toEqual([2, 3])
    expect(defaultAxes(WINE, [])).toEqual([0, 1])
    expect(defaultAxes(['only'], [])).toEqual([0, 0])
  })
})
