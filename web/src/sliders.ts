import { el } from './dom.js'
import { FEATURES, SLIDER_MAX, SLIDER_MIN, SLIDER_STEP } from './features.js'
import { formatCm } from './format.js'
import type { FlowerStore } from './state.js'

// Four sliders, each with a number box; both write the store and both follow it. The number box accepts
// any value in range (5.15 is fine); the slider then shows the nearest tenth. Out-of-range or empty input
// is flagged next to the box and not sent to the model.

function parseBox(text: string): number | null {
  if (text.trim() === '') return null
  const value = Number(text)
  return Number.isFinite(value) ? value : null
}

export function renderSliders(container: HTMLElement, store: FlowerStore): void {
  const rows = FEATURES.map((feature, index) => {
    const id = feature.column.replace(/_cm$/, '')
    const range = el('input', {
      type: 'range',
      id: `${id}-range`,
      min: SLIDER_MIN,
      max: SLIDER_MAX,
      step: SLIDER_STEP,
      value: feature.initial,
    })
    const box = el('input', {
      type: 'number',
      id: `${id}-number`,
      class: 'number-box',
      min: SLIDER_MIN,
      max: SLIDER_MAX,
      step: SLIDER_STEP,
      value: feature.initial,
      inputmode: 'decimal',
      'aria-describedby': `${id}-hint`,
    })
    const hint = el('p', { id: `${id}-hint`, class: 'field-hint', 'aria-live': 'polite' })
    const row = el(
      'div',
      { class: 'slider-row' },
      el(
        'div',
        { class: 'slider-head' },
        el('label', { for: range.id, class: 'slider-label' }, feature.label),
        el('label', { for: box.id, class: 'visually-hidden' }, `${feature.label} value`),
        box,
      ),
      range,
      hint,
    )

    range.addEventListener('input', () => store.set(index, Number(range.value), 'slider'))
    box.addEventListener('input', () => {
      const value = parseBox(box.value)
      const problem =
        value === null
          ? `Enter ${feature.short} as a number of centimetres.`
          : value < SLIDER_MIN || value > SLIDER_MAX
            ? `${feature.label} must be between ${SLIDER_MIN} and ${SLIDER_MAX}.`
            : null
      hint.textContent = problem ?? ''
      box.toggleAttribute('aria-invalid', problem !== null)
      if (problem === null && value !== null) store.set(index, value, 'number')
    })
    // Leaving a box with a bad value puts back the value the model is using, so the two never disagree.
    box.addEventListener('change', () => {
      if (box.hasAttribute('aria-invalid')) {
        box.value = formatCm(store.get()[index]!)
        box.removeAttribute('aria-invalid')
        hint.textContent = ''
      }
    })
    return { range, box, row }
  })

  container.append(...rows.map((r) => r.row))

  store.subscribe((flower, source) => {
    rows.forEach(({ range, box }, index) => {
      const text = formatCm(flower[index]!)
      if (range.value !== text) range.value = text
      // Do not rewrite the box the person is typing in (it would move the caret / eat "5.").
      if (!(source === 'number' && document.activeElement === box) && Number(box.value) !== flower[index]) {
        box.value = text
      }
    })
  })
}

/** Buttons that load the typical flower of each species ("Setosa example", ...). */
export function renderExamples(
  container: HTMLElement,
  store: FlowerStore,
  examples: ReadonlyMap<string, { values: readonly number[] }>,
): void {
  for (const [species, flower] of examples) {
    const name = species.charAt(0).toUpperCase() + species.slice(1)
    const detail = flower.values.map(formatCm).join(', ')
    const button = el(
      'button',
      { type: 'button', class: 'example', title: `Measurements (cm): ${detail}` },
      `${name} example`,
    )
    button.addEventListener('click', () => store.setAll(flower.values, 'example'))
    container.append(button)
  }
}
