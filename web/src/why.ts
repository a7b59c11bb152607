import { type ApiClient, ApiError, isAbort } from './api.js'
import { byId, el } from './dom.js'
import { formatPercent, speciesClass } from './format.js'
import type { ChangeSource, FlowerStore } from './state.js'
import { buildWhyView, type WhyView } from './why-model.js'
import './why.css'

// The "Why?" panel (<section id="why">): for the predicted class, one bar per measurement from POST /explain
// (exact TreeSHAP): right of the axis pushes toward the class, left away from it. It follows the flower like
// the confidence bars: debounced slider moves, the older request aborted, only the latest answer drawn, and
// it obeys the same "Update live" switch. Widths and offsets go through element.style (CSP-safe).

const LIVE_DEBOUNCE_MS = 200

export interface WhyPanelOptions {
  store: FlowerStore
  api: ApiClient
  /** Class names in the API's order (to colour the class like its probability bar). */
  classes: () => readonly string[]
  /** The model's feature names, in slider order. */
  featureNames: () => readonly string[]
  /** Human label of a feature name. */
  labelOf: (feature: string) => string
  /** What the training data is made of, for the summary sentence ("training flowers", "training rows"). */
  trainingThings?: string
}

export function createWhyPanel(options: WhyPanelOptions) {
  const { store, api, classes, featureNames, labelOf } = options
  const trainingThings = options.trainingThings ?? 'training flowers'
  const section = byId('why')
  const body = byId('why-body')
  const liveToggle = document.getElementById('live-toggle') as HTMLInputElement | null
  const summary = el('p', { class: 'why-summary', id: 'why-summary', 'aria-live': 'polite' })
  const list = el('ul', { class: 'why-bars', 'aria-labelledby': 'why-summary' })
  const legend = el('p', { class: 'muted why-legend' })
  const error = el('p', { class: 'inline-error', role: 'alert', hidden: true })
  body.replaceChildren(summary, list, legend, error)
  section.hidden = false

  let seq = 0
  let controller: AbortController | null = null
  let debounce: ReturnType<typeof setTimeout> | undefined

  function render(view: WhyView) {
    const tone = speciesClass(classes().indexOf(view.species))
    summary.replaceChildren(
      'The model predicts ',
      el('strong', {}, view.species),
      ` with ${formatPercent(view.probability)}. Over the ${trainingThings} it says ${view.species} `,
      `${formatPercent(view.base)} of the time on average; ${trainingThings === 'training flowers' ? 'these measurements' : 'these inputs'} move it up or down:`,
    )
    list.replaceChildren(
      ...view.items.map((item) => bar(item.label, item.fraction, item.text, tone, view.species)),
    )
    legend.textContent = `Percentage points of ${view.species} probability. Bars to the right push toward ${view.species}, bars to the left push away from it.`
  }

  function showError(text: string) {
    error.textContent = text
    error.hidden = false
    body.classList.add('stale')
  }

  async function explain() {
    clearTimeout(debounce)
    controller?.abort()
    const mine = (controller = new AbortController())
    const id = ++seq
    body.setAttribute('aria-busy', 'true')
    try {
      const reply = await api.postJson<unknown>('/explain', { input: [store.get()] }, mine.signal)
      if (id !== seq) return
      render(buildWhyView(reply, featureNames(), labelOf))
      error.hidden = true
      body.classList.remove('stale')
    } catch (err) {
      if (isAbort(err) || id !== seq) return
      if (err instanceof ApiError && err.status === 501) showError('This model cannot explain its answers.')
      else showError(err instanceof Error ? err.message : `Could not explain: ${String(err)}`)
    } finally {
      if (id === seq) body.removeAttribute('aria-busy')
    }
  }

  function onFlowerChange(_flower: readonly number[], source: ChangeSource) {
    if (source === 'example') return void explain()
    if (liveToggle && !liveToggle.checked) {
      if (list.childElementCount > 0) body.classList.add('stale')
      return
    }
    clearTimeout(debounce)
    debounce = setTimeout(() => void explain(), LIVE_DEBOUNCE_MS)
  }

  store.subscribe(onFlowerChange)
  liveToggle?.addEventListener('change', () => {
    if (liveToggle.checked && body.classList.contains('stale')) void explain()
  })
  // "Predict with confidence" also refreshes the explanation when live updates are off.
  document.getElementById('proba-btn')?.addEventListener('click', () => void explain())
  void explain()

  return { explain }
}

/** One diverging bar: the fill starts at the centre axis and grows right (toward) or left (away). */
function bar(label: string, fraction: number, text: string, tone: string, species: string): HTMLLIElement {
  const toward = fraction >= 0
  const fill = el('span', { class: `why-fill ${toward ? `why-toward ${tone}` : 'why-away'}` })
  const half = Math.min(1, Math.abs(fraction)) * 50
  fill.style.width = `${half}%`
  fill.style.left = toward ? '50%' : `${50 - half}%`
  const direction = text.startsWith('0.0') ? 'no effect on' : toward ? 'toward' : 'away from'
  return el(
    'li',
    { class: 'why-bar', 'aria-label': `${label}: ${text}, ${direction} ${species}` },
    el('span', { class: 'why-name' }, label),
    el('span', { class: 'why-track', 'aria-hidden': 'true' }, el('span', { class: 'why-axis' }), fill),
    el('span', { class: `why-value ${toward ? 'why-value-toward' : 'why-value-away'}` }, text),
  )
}
