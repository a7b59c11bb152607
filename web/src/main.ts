import raw from '../../data/iris.csv?raw'
import './styles.css'
import { ApiError, createApiClient } from './api.js'
import { apiKey, setApiKey } from './credentials.js'
import { byId, el } from './dom.js'
import { setupDrift } from './drift.js'
import { parseTrainingCsv } from './iris-data.js'
import { renderModelCard, setupModelCardToggle } from './model-card.js'
import { type ModelInfo, readModelInfo } from './model-info.js'
import { setupModelsView } from './models-view.js'
import { createNotices } from './notices.js'
import { buildPage } from './page.js'
import { buildPageModel } from './page-model.js'
import { wordingFor } from './wording.js'

// Reads the served model (GET /model), then builds the page for it (page.ts): Iris gets the seed's page,
// any other model its own inputs, classes and plot. If the model cannot be read, the page says so and
// "Try again" builds it once it can. The bundled Iris CSV is the fallback data of an Iris model that
// came without a training summary. The header's "API key" field sets the key every request sends
// (credentials.ts); a new key retries what the page needs (the model, then the live prediction).

const irisData = parseTrainingCsv(raw)
const api = createApiClient()
const notices = createNotices(byId('notices'))
const cardBody = byId('model-card-body')

let model: ModelInfo | null = null
let page: ReturnType<typeof buildPage> | null = null
let testThings = 'test flowers'

async function loadModel(): Promise<boolean> {
  try {
    model = readModelInfo(await api.model())
    notices.clear('model')
    renderModelCard(cardBody, model, testThings)
    return true
  } catch (err) {
    const text = err instanceof ApiError ? err.message : `Could not read the model: ${String(err)}`
    notices.error('model', text, { label: 'Try again', run: () => void start() })
    cardBody.replaceChildren(el('p', { class: 'inline-error' }, text))
    if (!page)
      byId('sliders').replaceChildren(
        el('p', { class: 'muted' }, 'The inputs appear once the model can be read.'),
      )
    return false
  }
}

const keyInput = byId<HTMLInputElement>('api-key')
keyInput.value = apiKey()
keyInput.addEventListener('input', () => setApiKey(keyInput.value))
// On Enter or leaving the field, not on every keystroke: a half-typed key would only be refused.
keyInput.addEventListener('change', () => void start())

setupDrift(byId<HTMLButtonElement>('drift-check'), byId('drift-body'))
setupModelsView(byId('models-view'))

setupModelCardToggle(() => {
  if (!model) void loadModel()
})

async function start() {
  if (!(await loadModel()) || !model) return
  if (!page) {
    const pageModel = buildPageModel(model, irisData)
    const words = wordingFor(pageModel)
    testThings = words.testThings
    renderModelCard(cardBody, model, testThings)
    page = buildPage(pageModel, words, api, notices)
  }
  if (byId<HTMLInputElement>('live-toggle').checked) await page.prediction.predictProba()
}

void start()
