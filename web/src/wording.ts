import type { PageModel } from './page-model.js'

// The page's words for the served model: Iris keeps the seed's ("flower", "species", "measurements");
// any other model gets neutral ones ("row", "class", "inputs") and its own feature and class names.
// index.html carries the Iris text; applyWording() swaps in these (elements marked data-text="key").

export interface Wording {
  readonly documentTitle: string
  readonly heading: string
  /** The lede before and inside its <strong> (the predict button's name). */
  readonly lede: string
  readonly predictButton: string
  readonly skipLink: string
  readonly measureTitle: string
  readonly examplesLegend: string
  readonly speciesTitle: string
  readonly speciesPlaceholder: string
  readonly speciesStale: string
  readonly confidenceTitle: string
  readonly confidencePlaceholder: string
  readonly confidenceStale: string
  readonly liveToggle: string
  readonly scatterTitle: string
  readonly batchTitle: string
  readonly batchHint: string
  readonly batchPlaceholder: string
  /** What one batch row holds: "four measurements" / "13 values". */
  readonly batchRow: string
  /** "flower" / "row": one input, in sentences. */
  readonly thing: string
  /** "your flower" / "your input": the current input in the plot. */
  readonly yours: string
  /** "Your flower" / "Your input": the same at the start of a sentence. */
  readonly yoursCapital: string
  /** "test flowers" / "test rows" (model card). */
  readonly testThings: string
  /** "training flowers" / "training rows" (Why? panel). */
  readonly trainingThings: string
}

const NUMBER_WORDS = [
  'no',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
]

/** 3 -> "three", 13 -> "13" (words up to twelve, as in running text). */
export function countWord(n: number): string {
  return NUMBER_WORDS[n] ?? String(n)
}

/** "alcohol, malic acid and proline". */
function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

function formatRow(values: readonly number[]): string {
  return values.map((v) => String(Math.round(v * 1000) / 1000)).join(',')
}

const IRIS: Omit<Wording, 'scatterTitle' | 'confidencePlaceholder'> = {
  documentTitle: 'Iris prediction service',
  heading: 'Iris prediction service',
  lede: 'Set the four flower measurements with the sliders or number boxes, then press',
  predictButton: 'Predict species',
  skipLink: 'Skip to the measurements',
  measureTitle: 'Measurements',
  examplesLegend: 'Load a typical flower from the training data',
  speciesTitle: 'Predicted species',
  speciesPlaceholder: 'Press “Predict species” to ask the model.',
  speciesStale: 'The measurements changed since this answer; press “Predict species” again.',
  confidenceTitle: 'Species with confidence',
  confidenceStale: 'The measurements changed since this answer; press “Predict with confidence” again.',
  liveToggle: 'Update live while I adjust the measurements',
  batchTitle: 'Batch: many flowers at once',
  batchHint:
    'One flower per line: sepal length, sepal width, petal length, petal width (cm). A header line is ' +
    'optional; with one, columns are matched by name and a species column is compared with the prediction.',
  batchPlaceholder: '5.1,3.5,1.4,0.2\n6.3,3.3,6.0,2.5',
  batchRow: 'four measurements',
  thing: 'flower',
  yours: 'your flower',
  yoursCapital: 'Your flower',
  testThings: 'test flowers',
  trainingThings: 'training flowers',
}

function scatterTitle(model: PageModel, thing: string, yours: string): string {
  const rows = model.rows
  const shown = model.points.length
  if (shown === 0) return `${yours} and the training data`
  const all = rows !== null && rows > shown ? `${shown} of the ${rows}` : `the ${shown}`
  return `${yours} among ${all} training ${thing}s`
}

export function wordingFor(model: PageModel): Wording {
  const n = model.classes.length
  const confidencePlaceholder = `Press “Predict with confidence” to see the ${countWord(n)} class probabilities.`
  if (model.iris) {
    return { ...IRIS, confidencePlaceholder, scatterTitle: scatterTitle(model, 'flower', 'Your flower') }
  }
  const inputs = model.inputs
  const target = model.target ? `a “${model.target}” column` : 'a label column'
  const name = model.name ? `: ${model.name}` : ''
  return {
    documentTitle: `Prediction service${name}`,
    heading: `Prediction service${name}`,
    lede: `Set the ${countWord(inputs.length)} input values with the sliders or number boxes, then press`,
    predictButton: 'Predict class',
    skipLink: 'Skip to the inputs',
    measureTitle: 'Inputs',
    examplesLegend: 'Load a typical row of a class from the training data',
    speciesTitle: 'Predicted class',
    speciesPlaceholder: 'Press “Predict class” to ask the model.',
    speciesStale: 'The inputs changed since this answer; press “Predict class” again.',
    confidenceTitle: 'Class with confidence',
    confidencePlaceholder,
    confidenceStale: 'The inputs changed since this answer; press “Predict with confidence” again.',
    liveToggle: 'Update live while I adjust the inputs',
    scatterTitle: scatterTitle(model, 'row', 'Your input'),
    batchTitle: 'Batch: many rows at once',
    batchHint:
      `One row per line: ${listOf(inputs.map((i) => i.short))} (${inputs.length} values). A header line is ` +
      `optional; with one, columns are matched by name and ${target} is compared with the prediction.`,
    batchPlaceholder: model.examples
      .slice(0, 2)
      .map((e) => formatRow(e.values))
      .join('\n'),
    batchRow: `${countWord(inputs.length)} values`,
    thing: 'row',
    yours: 'your input',
    yoursCapital: 'Your input',
    testThings: 'test rows',
    trainingThings: 'training rows',
  }
}

/** Puts the wording into index.html: elements with data-text="key", the lede, the title. */
export function applyWording(doc: Document, words: Wording): void {
  doc.title = words.documentTitle
  for (const node of doc.querySelectorAll<HTMLElement>('[data-text]')) {
    const key = node.dataset.text as keyof Wording
    if (typeof words[key] === 'string') node.textContent = words[key]
  }
  const lede = doc.getElementById('lede')
  if (lede) {
    const strong = doc.createElement('strong')
    strong.textContent = words.predictButton
    lede.replaceChildren(`${words.lede} `, strong, '.')
  }
  const batch = doc.getElementById('batch-input')
  if (batch) batch.setAttribute('placeholder', words.batchPlaceholder)
}
