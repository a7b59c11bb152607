import { el } from './dom.js'
import { featureId } from './feature-labels.js'
import { formatValue } from './format.js'
import type { InputSpec } from './inputs.js'
import type { FlowerStore } from './state.js'

// One slider per model feature, each with a number box; both write the store and both follow it. The
// number box accepts any value in range (5.15 is fine); the slider then shows the nearest step. Out-of-range
// or empty input is flagged next to the box and not sent to the model. Ranges come from inputs.ts.

function parseBox(text: string): number | null {
  if (text.trim() === '') return null
  const value = Number(text)
  return Number.isFinite(value) ? value : null
}

/** Why a typed value is refused, or null when it is fine. */
export function boxProblem(spec: InputSpec, value: number | null): string | null {
  if (value === null) {
    return spec.unit === 'cm'
      ? `Enter ${spec.short} as a number of centimetres.`
      : `Enter ${spec.short} as a number.`
  }
  if (value < spec.min || value > spec.max)
    return `${spec.label} must be between ${spec.min} and ${spec.max}.`
  return null
}

export function renderSliders(
  container: HTMLElement,
  store: FlowerStore,
  inputs: readonly InputSpec[],
): void {
  const rows = inputs.map((spec, index) => {
    const id = featureId(spec.name, index)
    const range = el('input', {
      type: 'range',
      id: `${id}-range`,
      min: spec.min,
      max: spec.max,
      step: spec.step,
      value: spec.initial,
    })
    const box = el('input', {
      type: 'number',
      id: `${id}-number`,
      class: 'number-box',
      min: spec.min,
      max: spec.max,
      step: spec.step,
      value: spec.initial,
      inputmode: 'decimal',
      'aria-describedby': spec.hint ? `${id}-hint ${id}-range-note` : `${id}-hint`,
    })
    const hint = el('p', { id: `${id}-hint`, class: 'field-hint', 'aria-live': 'polite' })
    const note = spec.hint ? el('p', { id: `${id}-range-note`, class: 'field-note' }, spec.hint) : null
    const row = el(
      'div',
      { class: 'slider-row' },
      el(
        'div',
        { class: 'slider-head' },
        el('label', { for: range.id, class: 'slider-label' }, spec.label),
        el('label', { for: box.id, class: 'visually-hidden' }, `${spec.label} value`),
        box,
      ),
      range,
      note,
      hint,
    )
    if (spec.hint) range.setAttribute('aria-describedby', `${id}-range-note`)

    range.addEventListener('input', () => store.set(index, Number(range.value), 'slider'))
    box.addEventListener('input', () => {
      const value = parseBox(box.value)
      const problem = boxProblem(spec, value)
      hint.textContent = problem ?? ''
      box.toggleAttribute('aria-invalid', problem !== null)
      if (problem === null && value !== null) store.set(index, value, 'number')
    })
    // Leaving a box with a bad value puts back the value the model is using, so the two never disagree.
    box.addEventListener('change', () => {
      if (box.hasAttribute('aria-invalid')) {
        box.value = formatValue(store.get()[index]!)
        box.removeAttribute('aria-invalid')
        hint.textContent = ''
      }
    })
    return { range, box, row }
  })

  container.replaceChildren(...rows.map((r) => r.row))

  store.subscribe((flower, source) => {
    rows.forEach(({ range, box }, index) => {
      const text = formatValue(flower[index]!)
      if (range.value !== text) range.value = text
      // Do not rewrite the box the person is typing in (it would move the caret / eat "5.").
      if (!(source === 'number' && document.activeElement === box) && Number(box.value) !== flower[index]) {
        box.value = text
      }
    })
  })
}

/** Buttons that load the typical training row of each class ("Setosa example", ...). */
export function renderExamples(
  container: HTMLElement,
  store: FlowerStore,
  examples: readonly { name: string; values: readonly number[] }[],
  unit: string | null,
): void {
  container.replaceChildren()
  for (const { name: cls, values } of examples) {
    const name = cls.charAt(0).toUpperCase() + cls.slice(1)
    const detail = values.map(formatValue).join(', ')
    const button = el(
      'button',
      {
        type: 'button',
        class: 'example',
        title: unit ? `Measurements (${unit}): ${detail}` : `Values: ${detail}`,
      },
      `${name} example`,
    )
    button.addEventListener('click', () => store.setAll(values, 'example'))
    container.append(button)
  }
}
