import raw from '../../data/iris.csv?raw'
import './styles.css'
import { ApiError, createApiClient } from './api.js'
import { createBatchPanel } from './batch.js'
import { byId, el } from './dom.js'
import { DEFAULT_CLASSES, FEATURES } from './features.js'
import { parseTrainingCsv, typicalFlowers } from './iris-data.js'
import { renderModelCard, setupModelCardToggle } from './model-card.js'
import { type ModelInfo, readModelInfo } from './model-info.js'
import { createNotices } from './notices.js'
import { createPredictionPanel } from './prediction.js'
import { createScatter } from './scatter.js'
import { renderExamples, renderSliders } from './sliders.js'
import { createFlowerStore } from './state.js'
import { createWhyPanel } from './why.js'

// Wires the panels together. Each panel lives in its own module and shares only the flower store, the API
// client and the notices; a new panel (e.g. the "Why?" panel in <section id="why">) is one more create call.

const training = parseTrainingCsv(raw)
const store = createFlowerStore(FEATURES.map((f) => f.initial))
const api = createApiClient()
const notices = createNotices(byId('notices'))

let model: ModelInfo | null = null
const classes = () => model?.classes ?? (training.species.length ? training.species : DEFAULT_CLASSES)
const featureNames = () => model?.features ?? FEATURES.map((f) => f.column)

renderSliders(byId('sliders'), store)
renderExamples(byId('examples'), store, typicalFlowers(training))
const prediction = createPredictionPanel({ store, api, notices, classes })
createScatter(training, store)
createBatchPanel({ api, notices, featureNames, classes })
createWhyPanel({
  store,
  api,
  classes,
  featureNames,
  labelOf: (f) => FEATURES.find((s) => s.column === f)?.label ?? f,
})

const cardBody = byId('model-card-body')

async function loadModel(): Promise<boolean> {
  try {
    model = readModelInfo(await api.model())
    notices.clear('model')
    renderModelCard(cardBody, model)
    return true
  } catch (err) {
    const text = err instanceof ApiError ? err.message : `Could not read the model: ${String(err)}`
    notices.error('model', text, { label: 'Try again', run: () => void start() })
    cardBody.replaceChildren(el('p', { class: 'inline-error' }, text))
    return false
  }
}

setupModelCardToggle(() => {
  if (!model) void loadModel()
})

async function start() {
  if ((await loadModel()) && byId<HTMLInputElement>('live-toggle').checked) await prediction.predictProba()
}

void start()
