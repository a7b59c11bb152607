import { describe, expect, it } from 'vitest'
import { COMPACT_CHARS, createBlobBuilder, resultFileName } from './batch-download.js'

describe('resultFileName', () => {
  it('names the file after the served model, marking a partial result', () => {
    expect(resultFileName('iris_model')).toBe('iris_model-predictions.csv')
    expect(resultFileName('wine-v2.1', true)).toBe('wine-v2.1-predictions-partial.csv')
  })

  it('keeps only safe characters: no path, no spaces, no leading dot', () => {
    expect(resultFileName('../../etc/passwd')).toBe('etc-passwd-predictions.csv')
    expect(resultFileName('My model: v2 (best)')).toBe('My-model-v2-best-predictions.csv')
    expect(resultFileName('.hidden')).toBe('hidden-predictions.csv')
    expect(resultFileName('Café')).toBe('Cafe-predictions.csv')
  })

  it('says "model" when the name is missing or has nothing usable, and caps the length', () => {
    expect(resultFileName(null)).toBe('model-predictions.csv')
    expect(resultFileName('///')).toBe('model-predictions.csv')
    expect(resultFileName('x'.repeat(500))).toBe(`${'x'.repeat(80)}-predictions.csv`)
  })
})

describe('createBlobBuilder', () => {
  it('gives back exactly what was appended, across compactions', async () => {
    const builder = createBlobBuilder()
    const piece = `${'a,b,c\n'.repeat(1000)}é\n`
    let expected = ''
    while (expected.length <= 2 * COMPACT_CHARS) {
      builder.append(piece)
      expected += piece
    }
    builder.append('')
    expect(builder.length).toBe(expected.length)
    const blob = builder.blob()
    expect(blob.type).toBe('text/csv')
    expect(await blob.text()).toBe(expected)
    builder.append('tail\n')
    expect(await builder.blob().text()).toBe(`${expected}tail\n`)
  })

  it('is an empty Blob before anything is appended', async () => {
    expect(createBlobBuilder().blob().size).toBe(0)
  })
})
