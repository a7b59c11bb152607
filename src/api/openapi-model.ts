/**
 * The OpenAPI document as the served model would write it: the static document (routes' TypeBox schemas)
 * names Iris, which is right for the committed model; for any other model the title, description, row
 * description and the examples of /predict, /predict-proba, /explain and the V2 infer tensor are rewritten
 * from the model: rows from its training summary (or the middle of its split thresholds), and the
 * prediction examples computed by the model itself. Response examples that cannot be recomputed cheaply
 * (/explain, V2 replies) keep Iris values and the description says so. Cached per model version.
 */
import type { PredictionModel } from '../model/types.js'

/** The committed model's features: its document is the static one, written for it. */
const IRIS_FEATURE_NAMES = ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm']

type Json = Record<string, unknown>
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

function isIris(model: PredictionModel): boolean {
  return (
    model.featureNames.length === IRIS_FEATURE_NAMES.length &&
    IRIS_FEATURE_NAMES.every((name, i) => model.featureNames[i] === name)
  )
}

/** Two example rows for the model and where they come from. */
export function exampleRows(model: PredictionModel): { rows: number[][]; from: string } {
  const summary = model.metadata.training_summary as
    | {
        basis?: string
        features?: { min: number | null; max: number | null; median: number | null }[]
        classes?: { typical?: number[] }[]
      }
    | undefined
  const n = model.nFeatures
  const typical = (summary?.classes ?? []).map((c) => c.typical ?? []).filter((r) => r.length === n)
  if (summary?.basis === 'training-data' && typical.length > 0) {
    return { rows: typical.slice(0, 2), from: "typical rows of the model's training data" }
  }
  const features = summary?.features?.length === n ? summary.features : null
  if (features) {
    const mid = features.map(
      (f) =>
        f.median ?? (f.min !== null && f.max !== null ? Number(((f.min + f.max) / 2).toPrecision(4)) : 0),
    )
    return {
      rows: [mid],
      from:
        summary?.basis === 'training-data' ? 'training medians' : "the middle of the trees' split thresholds",
    }
  }
  return { rows: [new Array<number>(n).fill(0)], from: 'zeros (the model came with no summary of its data)' }
}

function predictions(
  model: PredictionModel,
  rows: number[][],
): { labels: string[]; probabilities: number[][] } {
  const flat = Float64Array.from(rows.flat())
  const proba = model.predictProba(flat, rows.length)
  const k = model.nClasses
  const probabilities = rows.map((_, r) =>
    Array.from(proba.subarray(r * k, r * k + k), (p) => Number(p.toFixed(4))),
  )
  const labels = probabilities.map((p) => model.classes[p.indexOf(Math.max(...p))]!)
  return { labels, probabilities }
}

function jsonContent(node: unknown): Json | null {
  const content = isObj(node) && isObj(node.content) ? node.content['application/json'] : undefined
  return isObj(content) ? content : null
}

function rewrite(doc: Json, model: PredictionModel): Json {
  const out = structuredClone(doc)
  const { rows, from } = exampleRows(model)
  const { labels, probabilities } = predictions(model, rows)
  const names = model.featureNames
  const info = isObj(out.info) ? out.info : {}
  const rest = typeof info.description === 'string' ? info.description.replace(/^[^.]*\.\s*/, '') : ''
  info.title = `Prediction service: ${model.name}`
  info.description =
    `Classifies rows of ${names.length} features (${names.join(', ')}) into ${model.classes.length} classes ` +
    `(${model.classes.join(', ')}) with the served model "${model.name}" (version ${model.version}). ` +
    `Request examples are ${from}; the examples of /explain replies and Open Inference Protocol replies show ` +
    `the Iris model's values (same shapes). ${rest}`
  out.info = info

  const paths = isObj(out.paths) ? out.paths : {}
  for (const [path, item] of Object.entries(paths)) {
    const post = isObj(item) && isObj(item.post) ? item.post : null
    const body = jsonContent(post?.requestBody)
    if (!post || !body) continue
    const schema = isObj(body.schema) ? body.schema : {}
    const props = isObj(schema.properties) ? schema.properties : {}
    if (isObj(props.input) && isObj(props.input.items)) {
      props.input.items.description = `One row: ${names.length} numbers in the model's feature order (${names.join(', ')}; see GET /model)`
      props.input.items.example = rows[0]
      body.examples = Object.fromEntries(
        [[rows[0]!], rows]
          .slice(0, rows.length > 1 ? 2 : 1)
          .map((input, i) => [`example${i + 1}`, { value: { input } }]),
      )
    }
    const tensor =
      isObj(props.inputs) && isObj(props.inputs.items) && isObj(props.inputs.items.properties)
        ? props.inputs.items.properties
        : null
    if (tensor && isObj(tensor.shape) && isObj(tensor.data)) {
      tensor.shape.example = [rows.length, names.length]
      tensor.data.example = rows.flat()
    }
    const ok = jsonContent(isObj(post.responses) ? post.responses['200'] : undefined)
    if (ok && path === '/predict') ok.example = { prediction: labels }
    if (ok && path === '/predict-proba') ok.example = { prediction: labels, probabilities }
  }
  return out
}

/** A describer with a one-entry cache: the document only changes when the served model does. */
export function createModelDescriber(): (doc: Readonly<Json>, model: PredictionModel | null) => Json {
  let cached: { doc: Readonly<Json>; key: string; out: Json } | null = null
  return (doc, model) => {
    if (model === null || isIris(model)) return doc as Json
    const key = `${model.name}@${model.version}`
    if (cached?.doc !== doc || cached.key !== key) cached = { doc, key, out: rewrite(doc as Json, model) }
    return cached.out
  }
}
