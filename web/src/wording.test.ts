import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseTrainingCsv } from './iris-data.js'
import { readModelInfo } from './model-info.js'
import { buildPageModel } from './page-model.js'
import { countWord, type Wording, wordingFor } from './wording.js'

const iris = parseTrainingCsv(readFileSync(new URL('../../data/iris.csv', import.meta.url), 'utf8'))
const html = readFileSync(new URL('../index.html', import.meta.url), 'utf8')
const IRIS = ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm']

/** The text index.html has in each element marked data-text="key" (whitespace collapsed). */
function htmlTexts(): Map<string, string> {
  const out = new Map<string, string>()
  for (const m of html.matchAll(/data-text="(\w+)"[^>]*>([^<]*)</g))
    out.set(m[1]!, m[2]!.replace(/\s+/g, ' ').trim())
  return out
}

describe('the page wording', () => {
  const irisWords = wordingFor(
    buildPageModel(readModelInfo({ feature_names: IRIS, target_names: iris.species }), iris),
  )

  it('is, for Iris, exactly the text index.html ships with', () => {
    const texts = htmlTexts()
    expect(texts.size).toBeGreaterThanOrEqual(14)
    for (const [key, text] of texts) expect(irisWords[key as keyof Wording], key).toBe(text)
    expect(html).toContain(irisWords.documentTitle)
  })

  it("names any other model's inputs, classes and label column", () => {
    const model = readModelInfo({
      name: 'wine_model',
      feature_names: ['alcohol', 'malic_acid', 'proline'],
      target_names: ['barbera', 'barolo'],
      training: { target: 'cultivar' },
    })
    const words = wordingFor(buildPageModel(model, iris))
    expect(words.heading).toBe('Prediction service: wine_model')
    expect(words.predictButton).toBe('Predict class')
    expect(words.speciesTitle).toBe('Predicted class')
    expect(words.confidencePlaceholder).toBe(
      'Press “Predict with confidence” to see the two class probabilities.',
    )
    expect(words.batchHint).toContain('One row per line: alcohol, malic acid and proline (3 values).')
    expect(words.batchHint).toContain('a “cultivar” column is compared')
    expect(words.scatterTitle).toBe('Your input and the training data')
    expect(words.batchRow).toBe('three values')
    expect(Object.values(words).join(' ')).not.toMatch(/flower|species|iris/i)
  })

  it('counts in words up to twelve', () => {
    expect([countWord(3), countWord(12), countWord(13)]).toEqual(['three', 'twelve', '13'])
  })
})
