import { describe, expect, it } from 'vitest'
import { type DriftReply, driftVerdict, formatP } from './drift-words.js'

const base: DriftReply = {
  model_version: 'abc',
  status: 'ok',
  message: '',
  window_rows: 500,
  reference_rows: 120,
  dataset_drift: false,
  rule: '',
  features: {},
  prediction: { chi2: 1, p_value: 0.6, drift: false },
}
const bins = { edges: [1], reference: [0.5, 0.5], live: [0.5, 0.5] }
const feature = (p: number, drift: boolean) => ({ ks_statistic: 0.1, p_value: p, psi: 0.01, drift, bins })

describe('drift verdict in words', () => {
  it('names the drifting measurements with their p-values', () => {
    const v = driftVerdict({
      ...base,
      dataset_drift: true,
      features: { petal_length_cm: feature(1e-12, true), sepal_width_cm: feature(0.4, false) },
    })
    expect(v.tone).toBe('drift')
    expect(v.headline).toBe('Drift: the last 500 rows no longer look like the training data')
    expect(v.detail).toBe('Petal length (cm) (p < 0.001) has moved away from the 120 training rows.')
  })
  it('says plainly when nothing drifted, and mentions a changed class mix', () => {
    const v = driftVerdict({
      ...base,
      features: { petal_length_cm: feature(0.3, false) },
      prediction: { chi2: 9, p_value: 0.01, drift: true },
    })
    expect(v.tone).toBe('ok')
    expect(v.headline).toBe('No drift: the last 500 rows look like the training data')
    expect(v.detail).toMatch(/mix of predicted classes differs/)
  })
  it('a model without a reference and a window still filling', () => {
    expect(
      driftVerdict({
        ...base,
        status: 'no_reference',
        reference_rows: null,
        message: 'model version abc has no reference profile (an older model file): retrain it',
      }),
    ).toMatchObject({ tone: 'none', headline: 'Drift cannot be measured for this model' })
    expect(
      driftVerdict({
        ...base,
        status: 'collecting',
        window_rows: 1,
        message: '1 rows predicted so far; drift is judged from 100 rows on',
      }),
    ).toEqual({
      tone: 'waiting',
      headline: 'Not enough traffic yet',
      detail: '1 row predicted so far. Drift is judged from 100 rows on.',
    })
  })
  it('formats p-values', () => {
    expect(formatP(0.0004)).toBe('p < 0.001')
    expect(formatP(0.01234)).toBe('p = 0.012')
  })
})
