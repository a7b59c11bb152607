import type { ApiClient } from './api.js'
import { createBatchPanel } from './batch.js'
import { byId } from './dom.js'
import { featureLabel } from './feature-labels.js'
import type { Notices } from './notices.js'
import type { PageModel } from './page-model.js'
import { createPredictionPanel } from './prediction.js'
import { createScatter } from './scatter.js'
import { renderExamples, renderSliders } from './sliders.js'
import { createFlowerStore } from './state.js'
import { createWhyPanel } from './why.js'
import { applyWording, type Wording } from './wording.js'

// Builds the model-dependent panels once GET /model has answered: inputs, examples, prediction, scatter,
// batch and "Why?". Each panel lives in its own module and shares only the input store, the API client
// and the notices; a new panel is one more create call here.

/** More inputs than this put the prediction beside them instead of below. */
const SIDE_BY_SIDE_FROM = 6

/** What the page tells about where its ranges come from (null: nothing to add). */
export function inputsNote(model: PageModel): string | null {
  switch (model.basis) {
    case 'training-data':
      return model.iris
        ? null
        : `Ranges and starting values (the medians) come from the model's training data` +
            (model.rows !== null ? ` (${model.rows} rows).` : '.')
    case 'split-thresholds':
      return (
        'This model came without a summary of its training data (for example, exported from scikit-learn), ' +
        'so each range spans the values where its trees split, widened by a quarter on each side, and ' +
        'starts in the middle. There are no typical rows per class and no training rows to plot.'
      )
    case 'bundled-iris':
      return null
    case 'none':
      return 'This model came without a summary of its training data, so the ranges below are guesses.'
  }
}

export function buildPage(model: PageModel, words: Wording, api: ApiClient, notices: Notices) {
  applyWording(document, words)
  const note = byId('inputs-note')
  const text = inputsNote(model)
  note.textContent = text ?? ''
  note.hidden = text === null

  // Many inputs make a long panel: the answer moves to the top of the other column, beside them.
  if (model.inputs.length > SIDE_BY_SIDE_FROM) byId('plot').before(byId('predict'))
  const store = createFlowerStore(model.inputs.map((i) => i.initial))
  renderSliders(byId('sliders'), store, model.inputs)
  const unit = model.inputs.every((i) => i.unit === model.inputs[0]?.unit)
    ? (model.inputs[0]?.unit ?? null)
    : null
  renderExamples(byId('examples'), store, model.examples, unit)
  const examples = byId('examples').closest('fieldset')
  if (examples) examples.hidden = model.examples.length === 0

  const classes = () => model.classes
  const featureNames = () => model.inputs.map((i) => i.name)
  const labelOf = (name: string) => model.inputs.find((i) => i.name === name)?.label ?? featureLabel(name)
  const prediction = createPredictionPanel({ store, api, notices, classes })
  createScatter(model, store, words)
  createBatchPanel({
    api,
    notices,
    featureNames,
    classes,
    labelColumn: () => model.target,
    rowDescription: () => words.batchRow,
    modelName: () => model.name,
  })
  createWhyPanel({ store, api, classes, featureNames, labelOf, trainingThings: words.trainingThings })
  return { store, prediction }
}
