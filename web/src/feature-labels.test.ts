import { describe, expect, it } from 'vitest'
import { featureId, featureLabel, featureShort, featureUnit } from './feature-labels.js'

describe('feature labels', () => {
  it('gives the Iris columns the seed page labels', () => {
    expect(featureLabel('sepal_length_cm')).toBe('Sepal length (cm)')
    expect(featureLabel('petal_width_cm')).toBe('Petal width (cm)')
    expect(featureShort('petal_width_cm')).toBe('petal width')
    expect(featureUnit('petal_width_cm')).toBe('cm')
  })

  it('reads snake_case, dotted, camelCase and slashed names', () => {
    expect(featureLabel('malic_acid')).toBe('Malic acid')
    expect(featureLabel('Sepal.Width')).toBe('Sepal width')
    expect(featureLabel('colorIntensity')).toBe('Color intensity')
    expect(featureLabel('od280/od315_of_diluted_wines')).toBe('Od280 od315 of diluted wines')
    expect(featureLabel('weight_kg')).toBe('Weight (kg)')
    expect(featureLabel('share_pct')).toBe('Share (%)')
  })

  it('keeps acronyms and never takes a one-word name for a unit', () => {
    expect(featureShort('LSTAT')).toBe('LSTAT')
    expect(featureShort('mean_CO2_level')).toBe('mean CO2 level')
    expect(featureUnit('m')).toBeNull()
    expect(featureLabel('g')).toBe('G')
  })

  it('makes element ids from any name', () => {
    expect(featureId('sepal_length_cm', 0)).toBe('sepal-length')
    expect(featureId('od280/od315', 3)).toBe('od280-od315')
    expect(featureId('ÄÖ', 7)).toBe('feature-7')
  })
})
