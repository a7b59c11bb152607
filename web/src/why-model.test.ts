import { describe, expect, it } from 'vitest'
import { buildWhyView, formatPoints, WhyReplyError } from './why-model.js'

const FEATURES = ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm']
const label = (f: string) => f.toUpperCase()

function reply(contrib: Record<string, number>, prediction = 'setosa') {
  return {
    explanations: [
      {
        prediction,
        probabilities: { setosa: 0.9, versicolor: 0.1, virginica: 0 },
        expected_value: { setosa: 0.3, versicolor: 0.35, virginica: 0.35 },
        contributions: {
          setosa: contrib,
          versicolor: Object.fromEntries(FEATURES.map((f) => [f, 0])),
          virginica: Object.fromEntries(FEATURES.map((f) => [f, 0])),
        },
      },
    ],
  }
}

describe('buildWhyView', () => {
  it('draws the predicted class, in the model feature order, scaled to the largest contribution', () => {
    const view = buildWhyView(
      reply({ petal_width_cm: 0.2, sepal_length_cm: -0.05, petal_length_cm: 0.4, sepal_width_cm: 0.05 }),
      FEATURES,
      label,
    )
    expect(view.species).toBe('setosa')
    expect(view.base).toBe(0.3)
    expect(view.probability).toBe(0.9)
    expect(view.items.map((i) => i.feature)).toEqual(FEATURES)
    expect(view.items.map((i) => i.fraction)).toEqual([-0.125, 0.125, 1, 0.5])
    expect(view.items.map((i) => i.text)).toEqual(['\u22125.0 pts', '+5.0 pts', '+40.0 pts', '+20.0 pts'])
    expect(view.items[2]!.label).toBe('PETAL_LENGTH_CM')
  })

  it('uses the reply order when the model features are not known yet', () => {
    const view = buildWhyView(reply({ b: 0.1, a: -0.2 }), [], label)
    expect(view.items.map((i) => i.feature)).toEqual(['b', 'a'])
  })

  it('all-zero contributions give empty bars, not NaN', () => {
    const view = buildWhyView(reply(Object.fromEntries(FEATURES.map((f) => [f, 0]))), FEATURES, label)
    expect(view.items.every((i) => i.fraction === 0 && i.text === '0.0 pts')).toBe(true)
  })

  it('refuses replies that miss what it would draw', () => {
    expect(() => buildWhyView({}, FEATURES, label)).toThrow(WhyReplyError)
    expect(() => buildWhyView({ explanations: [] }, FEATURES, label)).toThrow(/without an explanation/)
    expect(() => buildWhyView(reply({ sepal_length_cm: 0.1 }), FEATURES, label)).toThrow(
      /no contribution for "sepal_width_cm"/,
    )
    const noBase = reply({})
    noBase.explanations[0]!.expected_value = {} as never
    expect(() => buildWhyView(noBase, FEATURES, label)).toThrow(/no expected value for "setosa"/)
  })
})

describe('formatPoints', () => {
  it('signs percentage points with a real minus and hides the sign of zero', () => {
    expect(formatPoints(0.3118)).toBe('+31.2 pts')
    expect(formatPoints(-0.04)).toBe('\u22124.0 pts')
    expect(formatPoints(-0.0001)).toBe('0.0 pts')
    expect(formatPoints(1)).toBe('+100.0 pts')
  })
})
