import { type ApiClient, ApiError, isAbort } from './api.js'
import { renderBars } from './bars.js'
import { byId } from './dom.js'
import { formatPercent, speciesClass } from './format.js'
import type { Notices } from './notices.js'
import type { ChangeSource, FlowerStore } from './state.js'

// The seed's two outputs: "Predict species" (POST /predict) and "Predict with confidence"
// (POST /predict-proba, shown as bars). The confidence answer also follows the sliders live: moves are
// debounced, an older request is aborted when a newer one starts, and a sequence number drops any answer
// that is not the latest, so the bars always describe the flower on screen. While live updates are on, the
// live answer fills the "Predicted species" box too, so it never asks to press a button beside a shown result.

const LIVE_DEBOUNCE_MS = 200
const NOTICE_KEY = 'predict'

export interface PredictionPanelOptions {
  store: FlowerStore
  api: ApiClient
  notices: Notices
  /** Class names in the API's probability order (from GET /model once it answers). */
  classes: () => readonly string[]
}

export function createPredictionPanel({ store, api, notices, classes }: PredictionPanelOptions) {
  const speciesOutput = byId<HTMLOutputElement>('species-output')
  const speciesResult = byId('species-result')
  const confidenceSpecies = byId<HTMLOutputElement>('confidence-species')
  const confidenceResult = byId('confidence-result')
  const bars = byId<HTMLUListElement>('proba-bars')
  const inlineError = byId('predict-error')
  const liveToggle = byId<HTMLInputElement>('live-toggle')
  const predictButton = byId<HTMLButtonElement>('predict-btn')
  const probaButton = byId<HTMLButtonElement>('proba-btn')

  let probaSeq = 0
  let probaController: AbortController | null = null
  let speciesSeq = 0
  let speciesController: AbortController | null = null
  let debounce: ReturnType<typeof setTimeout> | undefined

  function showError(err: unknown) {
    const text = err instanceof ApiError ? err.message : `Prediction failed: ${String(err)}`
    inlineError.textContent = text
    inlineError.hidden = false
    notices.error(NOTICE_KEY, text, { label: 'Try again', run: () => void predictProba() })
  }

  function clearError() {
    inlineError.hidden = true
    inlineError.textContent = ''
    notices.clear(NOTICE_KEY)
  }

  async function predictSpecies() {
    speciesController?.abort()
    const controller = (speciesController = new AbortController())
    const seq = ++speciesSeq
    speciesResult.setAttribute('aria-busy', 'true')
    try {
      const [species] = await api.predict([store.get()], controller.signal)
      if (seq !== speciesSeq) return
      speciesOutput.textContent = species ?? ''
      speciesResult.classList.remove('stale')
      clearError()
    } catch (err) {
      if (isAbort(err) || seq !== speciesSeq) return
      showError(err)
    } finally {
      if (seq === speciesSeq) speciesResult.removeAttribute('aria-busy')
    }
  }

  async function predictProba() {
    clearTimeout(debounce)
    probaController?.abort()
    const controller = (probaController = new AbortController())
    const seq = ++probaSeq
    confidenceResult.setAttribute('aria-busy', 'true')
    try {
      const reply = await api.predictProba([store.get()], controller.signal)
      if (seq !== probaSeq) return
      renderConfidence(reply.prediction[0] ?? '', reply.probabilities[0] ?? [])
      confidenceResult.classList.remove('stale')
      if (liveToggle.checked) {
        // The same model's answer for the same input: the class box follows it while live.
        speciesController?.abort()
        speciesSeq++
        speciesResult.removeAttribute('aria-busy')
        speciesOutput.textContent = reply.prediction[0] ?? ''
        speciesResult.classList.remove('stale')
      }
      clearError()
    } catch (err) {
      if (isAbort(err) || seq !== probaSeq) return
      if (speciesOutput.textContent !== '') speciesResult.classList.add('stale')
      showError(err)
    } finally {
      if (seq === probaSeq) confidenceResult.removeAttribute('aria-busy')
    }
  }

  function renderConfidence(species: string, probabilities: readonly number[]) {
    const names = classes()
    confidenceSpecies.textContent = species
    const winner = probabilities.indexOf(Math.max(...probabilities))
    renderBars(
      bars,
      probabilities.map((p, i) => ({
        label: names[i] ?? `class ${i}`,
        fraction: p,
        valueText: formatPercent(p),
        highlight: i === winner,
        badge: i === winner ? 'most likely' : undefined,
        tone: speciesClass(i),
      })),
      'Probability',
    )
  }

  function onFlowerChange(_flower: readonly number[], source: ChangeSource) {
    // While live, the answer follows within the debounce; only a manual page marks the box as outdated.
    if (speciesOutput.textContent !== '' && !liveToggle.checked) speciesResult.classList.add('stale')
    if (source === 'example') {
      void predictProba()
      return
    }
    if (!liveToggle.checked) {
      if (bars.childElementCount > 0) confidenceResult.classList.add('stale')
      return
    }
    clearTimeout(debounce)
    debounce = setTimeout(() => void predictProba(), LIVE_DEBOUNCE_MS)
  }

  predictButton.addEventListener('click', () => void predictSpecies())
  probaButton.addEventListener('click', () => void predictProba())
  liveToggle.addEventListener('change', () => {
    if (liveToggle.checked && confidenceResult.classList.contains('stale')) void predictProba()
  })
  store.subscribe(onFlowerChange)

  return { predictSpecies, predictProba }
}
